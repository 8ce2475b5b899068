"""textpipe's stratified fold assignment, reimplemented so that reference scripts use the very same folds.

Mirrors Sources/TextCore/Random.swift (splitmix64-seeded xoshiro256**, Fisher-Yates from the end with
j = next() % (i + 1)) and Sources/Evaluate/Splits.swift (classes in sorted label order, each shuffled,
documents dealt round-robin over the folds, continuing from class to class).
"""
M = (1 << 64) - 1


class Xoshiro256StarStar:
    def __init__(self, seed):
        x = seed & M
        s = []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & M
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
            s.append(z ^ (z >> 31))
        self.s = s

    @staticmethod
    def _rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & M

    def next(self):
        s0, s1, s2, s3 = self.s
        result = (self._rotl((s1 * 5) & M, 7) * 9) & M
        t = (s1 << 17) & M
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = self._rotl(s3, 45)
        self.s = [s0, s1, s2, s3]
        return result


def shuffle(items, rng):
    items = list(items)
    for i in range(len(items) - 1, 0, -1):
        j = rng.next() % (i + 1)
        items[i], items[j] = items[j], items[i]
    return items


def stratified_kfold(labels, folds, seed):
    """labels: list of label strings in document order. Returns a fold number per document."""
    names = sorted(set(labels))
    rng = Xoshiro256StarStar(seed)
    assignment = [0] * len(labels)
    nxt = 0
    for name in names:
        members = shuffle([i for i, l in enumerate(labels) if l == name], rng)
        for i in members:
            assignment[i] = nxt
            nxt = (nxt + 1) % folds
    return assignment
