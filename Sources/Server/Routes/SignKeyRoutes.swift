import Hummingbird
import Store

/// `/api/v1/sign-keys` (user token, as in ALBS): `GET /` lists sign keys; `POST /new/` and
/// `PUT /{sign_key_id}/` validate their body and answer 409 naming the git file, changing nothing.
func addSignKeyRoutes(to signKeys: RouterGroup<KilnRequestContext>, queries: DesiredStateQueries, git: GitManaged) {
    signKeys.get("/") { _, context -> [SignKeyAnswer] in
        return try await queries.signKeys().map(SignKeyAnswer.init)
    }

    signKeys.post("new") { request, context -> Response in
        let body = try await RequestBody.decode(SignKeyCreateBody.self, from: request, context: context)
        try InputCheck.text(body.name, "name", maxLength: InputCheck.nameLength, empty: false)
        throw git.conflict(kind: "sign keys", folder: "sign-keys", name: body.name)
    }

    signKeys.put(":sign_key_id") { request, context -> Response in
        let id = try integerParameter(context, "sign_key_id")
        _ = try await RequestBody.decode(SignKeyUpdateBody.self, from: request, context: context)
        guard let key = try await queries.signKey(id: id) else {
            throw APIError(.notFound, "Sign key \(id) not found")
        }
        throw git.conflict(kind: "sign keys", folder: "sign-keys", name: key.name)
    }
}
