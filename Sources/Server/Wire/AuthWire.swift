import Hummingbird
import Store

/// `GET /api/v1/auth/{provider}/authorize`: where to send the browser (fastapi-users' shape).
package struct AuthorizeAnswer: Codable, Sendable, Equatable, ResponseEncodable {
    package var authorizationURL: String

    package init(authorizationURL: String) {
        self.authorizationURL = authorizationURL
    }

    enum CodingKeys: String, CodingKey {
        case authorizationURL = "authorization_url"
    }
}

/// A completed login: ALBS's user (`id`, `username`, `email`, `is_active`, `is_superuser`) with
/// a user-scope `jwt_token` for `Authorization: Bearer`.
package struct LoginAnswer: Codable, Sendable, Equatable, ResponseEncodable {
    package var id: Int64
    package var username: String
    package var email: String
    package var isActive: Bool
    package var isSuperuser: Bool
    package var jwtToken: String

    package init(_ user: LoginUser, token: String) {
        self.id = user.user.id
        self.username = user.user.username
        self.email = user.user.email
        self.isActive = user.isActive
        self.isSuperuser = user.user.isSuperuser
        self.jwtToken = token
    }

    enum CodingKeys: String, CodingKey {
        case id, username, email
        case isActive = "is_active"
        case isSuperuser = "is_superuser"
        case jwtToken = "jwt_token"
    }
}

/// `POST /api/v1/auth/logout`: ALBS's `UserOpResult`.
package struct UserOpResultAnswer: Codable, Sendable, Equatable, ResponseEncodable {
    package var success: Bool
    package var message: String

    package init(success: Bool, message: String) {
        self.success = success
        self.message = message
    }
}
