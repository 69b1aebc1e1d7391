extension EventTable {
    /// Appends row `r` of `source` (another table, with its own pool), its
    /// strings re-interned through `remap` (one entry per code of
    /// `source.pool`, -1 until first met; start it with `remap(for:)`).
    ///
    /// Strings are interned field by field in the order `append(_:visitorPseudonym:)`
    /// interns them, so gathering rows of tables read in parallel gives the
    /// codes, and so the sessions, features and scores, of one table read
    /// event by event. Costs integer copies: no hashing per event.
    public mutating func append(row r: Int, of source: EventTable, remap: inout [Int32]) {
        @inline(__always) func code(_ c: Int32) -> Int32 {
            if c == StringPool.empty { return c }
            let known = remap[Int(c)]
            if known >= 0 { return known }
            let mine = pool.intern(c, of: source.pool)
            remap[Int(c)] = mine
            return mine
        }
        visitor.append(code(source.visitor[r]))
        session.append(code(source.session[r]))
        time.append(source.time[r])
        utcOffset.append(source.utcOffset[r])
        kind.append(source.kind[r])
        otherName.append(code(source.otherName[r]))
        path.append(code(source.path[r]))
        host.append(code(source.host[r]))
        referrerHost.append(code(source.referrerHost[r]))
        device.append(source.device[r])
        self.source.append(code(source.source[r]))
        medium.append(code(source.medium[r]))
        campaign.append(code(source.campaign[r]))
        country.append(code(source.country[r]))
        region.append(code(source.region[r]))
        gender.append(code(source.gender[r]))
        ageBand.append(code(source.ageBand[r]))
        consent.append(source.consent[r])
        engagementMs.append(source.engagementMs[r])
        scrollPct.append(source.scrollPct[r])
        searched.append(source.searched[r])
    }

    /// Appends rows `rows` of `source`, in that order: the same table as
    /// `append(row:of:remap:)` row by row. Strings not yet in `remap` are
    /// interned in a first pass in row and field order (so codes do not
    /// change); the columns are then gathered one at a time, which costs a
    /// third of the row-by-row appends (21 arrays each checked per row).
    public mutating func append(rows: UnsafeBufferPointer<Int32>, of source: EventTable, remap: inout [Int32]) {
        if rows.isEmpty { return }
        remap.withUnsafeMutableBufferPointer { remap in
            // The codes met first are listed in row and field order, then interned in that
            // order all at once, so the pool's look-ups overlap their cache misses.
            var fresh: [Int32] = []
            @inline(__always) func note(_ c: Int32) {
                if remap[Int(c)] == -1 { remap[Int(c)] = -2; fresh.append(c) }
            }
            // Spelled out: a loop over an array of the columns retained and released each column per row.
            for r32 in rows {
                let r = Int(r32)
                note(source.visitor[r]); note(source.session[r]); note(source.otherName[r]); note(source.path[r])
                note(source.host[r]); note(source.referrerHost[r]); note(source.source[r]); note(source.medium[r])
                note(source.campaign[r]); note(source.country[r]); note(source.region[r]); note(source.gender[r])
                note(source.ageBand[r])
            }
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: fresh.count) { codes in
                fresh.withUnsafeBufferPointer { pool.intern($0, of: source.pool, into: codes) }
                for (k, c) in fresh.enumerated() { remap[Int(c)] = codes[k] }
            }
        }
        // Each column gathered into a scratch buffer, then appended at once (an `append` per
        // row checked the array's capacity and uniqueness every time).
        @inline(__always) func gather<T>(_ into: inout [T], _ from: [T]) {
            from.withUnsafeBufferPointer { f in
                withUnsafeTemporaryAllocation(of: T.self, capacity: rows.count) { tmp in
                    for (k, r) in rows.enumerated() { tmp.initializeElement(at: k, to: f[Int(r)]) }
                    into.append(contentsOf: UnsafeBufferPointer(tmp))
                    _ = tmp.deinitialize()  // a no-op for today's plain columns; a reference-holding one would leak without it
                }
            }
        }
        @inline(__always) func gatherCodes(_ into: inout [Int32], _ from: [Int32]) {
            remap.withUnsafeBufferPointer { m in
                from.withUnsafeBufferPointer { f in
                    withUnsafeTemporaryAllocation(of: Int32.self, capacity: rows.count) { tmp in
                        for (k, r) in rows.enumerated() { tmp[k] = m[Int(f[Int(r)])] }
                        into.append(contentsOf: UnsafeBufferPointer(tmp))
                    }
                }
            }
        }
        gatherCodes(&visitor, source.visitor)
        gatherCodes(&session, source.session)
        gather(&time, source.time)
        gather(&utcOffset, source.utcOffset)
        gather(&kind, source.kind)
        gatherCodes(&otherName, source.otherName)
        gatherCodes(&path, source.path)
        gatherCodes(&host, source.host)
        gatherCodes(&referrerHost, source.referrerHost)
        gather(&device, source.device)
        gatherCodes(&self.source, source.source)
        gatherCodes(&medium, source.medium)
        gatherCodes(&campaign, source.campaign)
        gatherCodes(&country, source.country)
        gatherCodes(&region, source.region)
        gatherCodes(&gender, source.gender)
        gatherCodes(&ageBand, source.ageBand)
        gather(&consent, source.consent)
        gather(&engagementMs, source.engagementMs)
        gather(&scrollPct, source.scrollPct)
        gather(&searched, source.searched)
    }

    /// Appends every row of `source`.
    public mutating func append(_ source: EventTable) {
        var remap = Self.remap(for: source)
        let rows = [Int32](0..<Int32(source.count))
        rows.withUnsafeBufferPointer { append(rows: $0, of: source, remap: &remap) }
    }

    /// A fresh remap table for `append(row:of:remap:)` from `source`.
    public static func remap(for source: EventTable) -> [Int32] {
        var remap = [Int32](repeating: -1, count: source.pool.strings.count)
        remap[Int(StringPool.empty)] = StringPool.empty
        return remap
    }
}
