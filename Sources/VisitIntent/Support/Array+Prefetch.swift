import CPrefetch

extension Array {
    /// Starts loading element `i` into the cache: a hint, so an index past the
    /// end costs nothing and reads nothing. For look-ups by visitor slot or
    /// hash into arrays larger than the caches, issued a few items ahead.
    @inline(__always) func prefetch(_ i: Int) {
        withUnsafeBufferPointer { b in
            if let base = b.baseAddress, i >= 0, i < b.count { cprefetch_read(base + i) }
        }
    }
}
