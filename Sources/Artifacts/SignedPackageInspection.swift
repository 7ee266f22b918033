import Foundation

/// The checks of one signed file that need no `rpmkeys`: readable, an RPM, the reported sha256,
/// the expected NEVRA and arch, an OpenPGP signature issued by the sign key.
enum SignedPackageInspection {
    /// The first problem found (a sentence naming the file), nil when the file passes.
    static func problem(of expected: SignedPackageExpectation, keyID: String) -> String? {
        let name = expected.file.lastPathComponent
        let sha256: String
        do {
            sha256 = try SHA256Hex.digest(file: expected.file).sha256
        } catch {
            return "\(name) cannot be read: \(reason(error))"
        }
        let reported = expected.sha256.trimmingCharacters(in: .whitespaces).lowercased()
        guard sha256 == reported else {
            return "\(name) has sha256 \(sha256), but the sign node reported \(reported)"
        }
        let header: RPMHeader
        do {
            header = try RPMHeader(file: expected.file)
        } catch let error as ArtifactStoreError {
            if case .invalidPackage(let detail) = error { return "\(name) is not an RPM package: \(detail)" }
            return "\(name) is not an RPM package: \(error)"
        } catch {
            return "\(name) cannot be read: \(reason(error))"
        }
        let wanted = SignedPackageExpectation.normalized(expected)
        guard
            header.name == wanted.name, header.epoch == wanted.epoch, header.version == wanted.version,
            header.release == wanted.release, header.arch == wanted.arch
        else {
            return "\(name) is \(header.nevra), but the package sent for signing is \(wanted.nevra)"
        }
        guard let issuer = header.signatureKeyIDs.first else {
            return "\(name) is not signed (its signature header holds no OpenPGP signature)"
        }
        guard header.signatureKeyIDs.contains(keyID) else {
            let others = header.signatureKeyIDs.count > 1 ? header.signatureKeyIDs.joined(separator: ", ") : issuer
            return "\(name) is signed with key \(others), not with the sign key \(keyID)"
        }
        return nil
    }

    static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
            underlying.domain == NSPOSIXErrorDomain, let code = POSIXErrorCode(rawValue: Int32(underlying.code))
        {
            return String(cString: strerror(code.rawValue))
        }
        return nsError.localizedDescription
    }
}

extension SignedPackageExpectation {
    /// Epoch "" as "0", the hex lowercase.
    static func normalized(_ e: SignedPackageExpectation) -> SignedPackageExpectation {
        var out = e
        if out.epoch.isEmpty { out.epoch = "0" }
        return out
    }
}
