import Hummingbird
import Store

/// `/api/v1/sign-keys` (user token, as in ALBS): `GET /` lists sign keys; `POST /new/` and
/// `PUT /{sign_key_id}/` validate their body and answer 409 naming the git file, changing nothing.
func addSignKeyRoutes(to signKeys: RouterGroup<KilnRequestContext>, queries: DesiredStateQueries, git: GitManaged) {
    signKeys.get("/") { _, context -> Response in
        try context.requireScope(.user)
        return desiredStateJSON(try await queries.signKeysJSON())
    }

    signKeys.post("new") { request, context -> Response in
        try context.requireScope(.user)
        let body = try await RequestBody.decode(SignKeyCreateBody.self, from: request)
        throw git.conflict(kind: "sign keys", folder: "sign-keys", name: body.name)
    }

    signKeys.put(":sign_key_id") { request, context -> Response in
        try context.requireScope(.user)
        let id = try integerParameter(context, "sign_key_id")
        _ = try await RequestBody.decode(SignKeyUpdateBody.self, from: request)
        guard let key = try await queries.signKey(id: id) else {
            throw APIError(.notFound, "Sign key \(id) not found")
        }
        throw git.conflict(kind: "sign keys", folder: "sign-keys", name: key.name)
    }
}

/// `POST /api/v1/sign-keys/new/` body (ALBS `SignKeyCreate`).
struct SignKeyCreateBody: Decodable {
    var name: String
    var description: String
    var keyid: String
    var fingerprint: String
    var public_url: String
}

/// `PUT /api/v1/sign-keys/{id}/` body (ALBS `SignKeyUpdate`): every field optional.
struct SignKeyUpdateBody: Decodable {
    var name: String?
    var description: String?
    var keyid: String?
    var fingerprint: String?
    var public_url: String?
}
