import Foundation

/// The identity fields of an RPM file, read from its header (lead, signature, main header).
package struct RPMHeader: Sendable, Hashable {
    package var name: String
    package var epoch: String
    package var version: String
    package var release: String
    /// `src` for source packages, as Pulp and createrepo report them.
    package var arch: String
    /// The issuer key ids (16 hex, uppercase) of the OpenPGP signatures in the signature header
    /// (``RPMSignatureTags``), in tag order; empty for an unsigned package.
    package var signatureKeyIDs: [String]

    /// `name-[epoch:]version-release.arch` (the epoch only when not 0).
    package var nevra: String { Self.nevra(name: name, epoch: epoch, version: version, release: release, arch: arch) }

    /// The same spelling for any fields.
    package static func nevra(name: String, epoch: String, version: String, release: String, arch: String) -> String {
        let e = epoch.isEmpty || epoch == "0" ? "" : epoch + ":"
        return "\(name)-\(e)\(version)-\(release).\(arch)"
    }

    /// Parses the header of an RPM file's bytes; throws `ArtifactStoreError.invalidPackage`.
    package init(data: Data) throws {
        try self.init(bytes: [UInt8](data.prefix(4 * 1024 * 1024)))
    }

    /// Reads only the lead and headers of an RPM file (not its payload); throws
    /// `ArtifactStoreError.invalidPackage` when it is not an RPM, or the file's read error.
    package init(file: URL) throws {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        var bytes = [UInt8](try handle.read(upToCount: 64 * 1024) ?? Data())
        // The signature and main headers say how long they are: read until both are in.
        while let needed = Self.headersLength(bytes), needed > bytes.count, needed <= Self.maxHeadersLength {
            guard let more = try handle.read(upToCount: needed - bytes.count), !more.isEmpty else { break }
            bytes += more
        }
        try self.init(bytes: bytes)
    }

    /// Headers larger than this are refused (a real header is a few MB at most).
    static let maxHeadersLength = 256 * 1024 * 1024

    init(bytes: [UInt8]) throws {
        guard bytes.count > 96, bytes[0] == 0xED, bytes[1] == 0xAB, bytes[2] == 0xEE, bytes[3] == 0xDB else {
            throw ArtifactStoreError.invalidPackage("not an RPM file (bad lead)")
        }
        let (signature, sigEnd) = try Self.header(bytes, at: 96)
        let mainStart = (sigEnd + 7) & ~7
        let (tags, _) = try Self.header(bytes, at: mainStart)
        guard let name = tags.string(1000), let version = tags.string(1001), let release = tags.string(1002) else {
            throw ArtifactStoreError.invalidPackage("RPM header lacks name, version or release")
        }
        self.name = name
        self.version = version
        self.release = release
        self.epoch = tags.int32(1003).map(String.init) ?? "0"
        let isSource = tags.entries[1044] == nil  // SOURCERPM is absent only in source packages
        self.arch = isSource ? "src" : (tags.string(1022) ?? "noarch")
        self.signatureKeyIDs = RPMSignatureTags.issuers(in: signature)
    }

    /// How many bytes the lead and both headers take, once enough of them is in `b` to tell
    /// (nil before that, or when they are not RPM headers).
    static func headersLength(_ b: [UInt8]) -> Int? {
        guard let sigEnd = headerEnd(b, at: 96) else { return nil }
        let mainStart = (sigEnd + 7) & ~7
        return headerEnd(b, at: mainStart) ?? (b.count >= mainStart + 16 ? nil : mainStart + 16)
    }

    /// The end of the header at `start` from its 16-byte intro, nil when that is not in `b`.
    static func headerEnd(_ b: [UInt8], at start: Int) -> Int? {
        guard start + 16 <= b.count, b[start] == 0x8E, b[start + 1] == 0xAD, b[start + 2] == 0xE8 else { return nil }
        return start + 16 + 16 * Int(be32(b, start + 8)) + Int(be32(b, start + 12))
    }

    struct Tags {
        var entries: [UInt32: (type: UInt32, offset: Int, count: Int)]
        var store: ArraySlice<UInt8>
        func string(_ tag: UInt32) -> String? {
            guard let e = entries[tag], e.type == 6 || e.type == 8 || e.type == 9 else { return nil }
            let start = store.startIndex + e.offset
            guard start < store.endIndex, let end = store[start...].firstIndex(of: 0) else { return nil }
            return String(decoding: store[start..<end], as: UTF8.self)
        }
        /// The bytes of a BIN (7) tag.
        func binary(_ tag: UInt32) -> ArraySlice<UInt8>? {
            guard let e = entries[tag], e.type == 7 else { return nil }
            let start = store.startIndex + e.offset
            guard e.offset >= 0, e.count >= 0, start + e.count <= store.endIndex else { return nil }
            return store[start..<start + e.count]
        }
        /// The strings of a STRING_ARRAY (8) tag.
        func strings(_ tag: UInt32) -> [String] {
            guard let e = entries[tag], e.type == 8 || e.type == 6 else { return [] }
            var out: [String] = []
            var position = store.startIndex + e.offset
            while out.count < e.count, position < store.endIndex, let end = store[position...].firstIndex(of: 0) {
                out.append(String(decoding: store[position..<end], as: UTF8.self))
                position = end + 1
            }
            return out
        }
        func int32(_ tag: UInt32) -> Int32? {
            guard let e = entries[tag], e.type == 4 else { return nil }
            let start = store.startIndex + e.offset
            guard start + 4 <= store.endIndex else { return nil }
            return Int32(bitPattern: RPMHeader.be32(store, start))
        }
    }

    static func be32<C: RandomAccessCollection>(_ b: C, _ i: C.Index) -> UInt32
    where C.Element == UInt8, C.Index == Int {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }

    /// Parses one header structure at `start`; returns its tags and the offset just past it.
    static func header(_ b: [UInt8], at start: Int) throws -> (Tags, Int) {
        guard start + 16 <= b.count, b[start] == 0x8E, b[start + 1] == 0xAD, b[start + 2] == 0xE8 else {
            throw ArtifactStoreError.invalidPackage("bad RPM header magic at offset \(start)")
        }
        let count = Int(be32(b, start + 8))
        let size = Int(be32(b, start + 12))
        let indexStart = start + 16
        let storeStart = indexStart + 16 * count
        let end = storeStart + size
        guard count < 100_000, end <= b.count else {
            throw ArtifactStoreError.invalidPackage("truncated RPM header")
        }
        var entries: [UInt32: (type: UInt32, offset: Int, count: Int)] = [:]
        for i in 0..<count {
            let p = indexStart + 16 * i
            entries[be32(b, p)] = (be32(b, p + 4), Int(be32(b, p + 8)), Int(be32(b, p + 12)))
        }
        return (Tags(entries: entries, store: b[storeStart..<end]), end)
    }
}
