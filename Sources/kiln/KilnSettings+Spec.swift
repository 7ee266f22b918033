import Settings
import Spec

extension KilnSettings {
    /// The rules desired state is read with: the default limits and `KILN_REPOSITORY_URL_SCHEMES`.
    var specRules: SpecRules {
        var rules = SpecRules.default
        rules.urlSchemes = repositoryURLSchemes
        return rules
    }
}
