/// The address of a buffer's first element, never nil.
///
/// Hot loops and C kernels take a buffer's start pointer. `baseAddress` is nil for an empty buffer, and unwrapping it
/// crashes even when the loop would not run; `start` is a non-null, suitably aligned address that code reading
/// `count` elements (zero for an empty buffer) never dereferences.
extension UnsafeMutableBufferPointer {
    /// The first element's address, or a dangling non-null one for an empty buffer.
    @inlinable public var start: UnsafeMutablePointer<Element> {
        baseAddress
            ?? UnsafeMutablePointer(OpaquePointer(bitPattern: MemoryLayout<Element>.alignment).unsafelyUnwrapped)
    }
}

extension UnsafeBufferPointer {
    /// The first element's address, or a dangling non-null one for an empty buffer.
    @inlinable public var start: UnsafePointer<Element> {
        baseAddress ?? UnsafePointer(OpaquePointer(bitPattern: MemoryLayout<Element>.alignment).unsafelyUnwrapped)
    }
}
