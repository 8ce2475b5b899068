import TextCore
