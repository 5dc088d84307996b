package auth

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Given is every authentication setting of a provider block after the
// environment fallbacks, and where each came from.
type Given struct {
	values  map[string]string
	fromEnv map[string]bool
}

// Set records the value of s, and whether it came from the environment.
func (g *Given) Set(s Setting, value string, fromEnv bool) {
	if g.values == nil {
		g.values, g.fromEnv = map[string]string{}, map[string]bool{}
	}
	g.values[s.key()] = value
	g.fromEnv[s.key()] = fromEnv && value != ""
}

func (g Given) get(s Setting) string { return g.values[s.key()] }

// Value is the value recorded for s, and whether it came from the environment.
func (g Given) Value(s Setting) (value string, fromEnv bool) {
	return g.values[s.key()], g.fromEnv[s.key()]
}

// Problem is a setting that cannot be used as given (or, as a warning, one
// that is ignored), worded for the user; Attr is the argument to point at,
// dotted inside a block, or "" for the provider block as a whole.
type Problem struct {
	Attr            string
	Summary, Detail string
	Warning         bool
}

// Agency durations the IAM API accepts, and the contract's default.
const (
	minAgencyDuration     = 15 * time.Minute
	maxAgencyDuration     = 24 * time.Hour
	defaultAgencyDuration = time.Hour
)

// agency is the assume_role on top of the way chosen.
type agency struct {
	name, domainName, domainID string
	duration                   time.Duration
}

// Choice is the way a provider authenticates, chosen from what was given.
type Choice struct {
	Way    Way
	given  Given
	agency *agency
	// profile is the KooCLI profile read, for WaySharedConfig.
	profile Profile
}

// Choose picks the first configured way in the contract's order, and
// finds every setting that cannot be used: half a pair, an ID token
// without its identity provider, an assume_role without its account, a
// KooCLI profile that cannot be read. Problems with errors mean the
// Choice must not be used; warnings name the ways also configured.
func Choose(g Given) (Choice, []Problem) {
	var problems []Problem
	missing := func(need, because Setting) {
		problems = append(problems, Problem{Attr: need.Attr, Summary: "Missing " + need.Attr,
			Detail: fmt.Sprintf("%s is set, so %s is needed too. Set %s in the provider block or the %s environment variable, or remove %s.",
				because.Attr, need.Attr, need.Attr, need.Env, because.Attr)})
	}
	has := func(s Setting) bool { return g.get(s) != "" }

	if has(SettingAccessKey) && !has(SettingSecretKey) {
		missing(SettingSecretKey, SettingAccessKey)
	}
	if has(SettingSecretKey) && !has(SettingAccessKey) {
		missing(SettingAccessKey, SettingSecretKey)
	}
	if has(SettingSecurityToken) && (!has(SettingAccessKey) || !has(SettingSecretKey)) {
		problems = append(problems, Problem{Attr: SettingSecurityToken.Attr, Summary: "security_token without AK/SK",
			Detail: "security_token belongs to temporary AK/SK credentials: set access_key and secret_key (HW_ACCESS_KEY, HW_SECRET_KEY) with it."})
	}
	if has(SettingUserName) && !has(SettingPassword) {
		missing(SettingPassword, SettingUserName)
	}
	if has(SettingPassword) && !has(SettingUserName) {
		missing(SettingUserName, SettingPassword)
	}
	if (has(SettingUserName) || has(SettingPassword)) && !has(SettingDomainName) {
		because := SettingUserName
		if !has(SettingUserName) {
			because = SettingPassword
		}
		missing(SettingDomainName, because)
	}
	for _, s := range []Setting{SettingIDToken, SettingIDTokenFile} {
		if has(s) && !has(SettingIdpID) {
			missing(SettingIdpID, s)
		}
	}
	if has(SettingIdpID) && !has(SettingIDToken) && !has(SettingIDTokenFile) && !g.onGitHubActions() {
		problems = append(problems, Problem{Attr: SettingIdpID.Attr, Summary: "No ID token for idp_id",
			Detail: "idp_id is set, so an OpenID Connect ID token is needed to exchange: set id_token (HW_ID_TOKEN) or " +
				"id_token_file (HW_ID_TOKEN_FILE), or run on GitHub Actions in a job with `permissions: id-token: write`, " +
				"which sets ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN."})
	}
	a, agencyProblems := g.assumeRole()
	problems = append(problems, agencyProblems...)
	if hasErrors(problems) {
		return Choice{}, problems
	}

	var configured []Way
	for _, w := range []Way{WayToken, WayAccessKey, WayPassword, WayOIDC, WaySharedConfig} {
		if has(ways[w].settings[0]) || (w == WaySharedConfig && has(SettingProfile)) {
			configured = append(configured, w)
		}
	}
	c := Choice{Way: WayMetadata, given: g, agency: a}
	if len(configured) > 0 {
		c.Way = configured[0]
	}
	if len(configured) > 1 {
		problems = append(problems, g.severalWaysWarning(configured[0], configured[1:]))
	}
	if c.Way == WaySharedConfig {
		file := g.get(SettingSharedConfigFile)
		if file == "" {
			file = DefaultSharedConfigFile
		}
		p, err := ReadProfile(file, g.get(SettingProfile))
		if err != nil {
			attr := SettingProfile.Attr
			var pe *ProfileError
			if errors.As(err, &pe) {
				attr = pe.Setting
			}
			return Choice{}, append(problems, Problem{Attr: attr, Summary: "Unusable KooCLI profile", Detail: upperFirst(err.Error()) + "."})
		}
		c.profile = p
		if c.agency == nil && p.AgencyName != "" && p.AgencyDomainName == "" && p.AgencyDomainID == "" {
			return Choice{}, append(problems, Problem{Attr: SettingProfile.Attr, Summary: "Unusable KooCLI profile",
				Detail: fmt.Sprintf("Profile %q of KooCLI configuration %s names agency %q but not the account that owns it: "+
					"set its agencyDomainName (hcloud configure set --cli-agency-domain-name=...), or give assume_role in the provider block.",
					p.Name, file, p.AgencyName)})
		}
		if c.agency == nil && p.AgencyName != "" {
			// The profile's agency acts as assume_role.
			c.agency = &agency{name: p.AgencyName, domainName: p.AgencyDomainName, domainID: p.AgencyDomainID, duration: defaultAgencyDuration}
		}
	}
	return c, problems
}

// assumeRole reads the assume_role settings: nil when none are given.
func (g Given) assumeRole() (*agency, []Problem) {
	name, domain, duration := g.get(SettingAgencyName), g.get(SettingAgencyDomainName), g.get(SettingAgencyDuration)
	if name == "" && domain == "" && duration == "" {
		return nil, nil
	}
	var problems []Problem
	need := func(s Setting, what string) {
		problems = append(problems, Problem{Attr: s.Attr, Summary: "Missing " + s.Attr,
			Detail: fmt.Sprintf("assume_role needs %s: %s. Set it in the assume_role block or the %s environment variable.", s.Attr, what, s.Env)})
	}
	if name == "" {
		need(SettingAgencyName, "the name of the IAM agency to act through")
	}
	if domain == "" {
		need(SettingAgencyDomainName, "the name of the account that owns the agency")
	}
	a := &agency{name: name, domainName: domain, duration: defaultAgencyDuration}
	if duration != "" {
		d, err := agencyDuration(duration)
		if err != nil || d < minAgencyDuration || d > maxAgencyDuration {
			problems = append(problems, Problem{Attr: SettingAgencyDuration.Attr, Summary: "Invalid assume_role.duration",
				Detail: fmt.Sprintf("assume_role.duration (or %s) must be a Go duration from 15m to 24h, such as \"1h\" "+
					"(or a number of seconds from 900 to 86400); got %q.", SettingAgencyDuration.Env, duration)})
		}
		a.duration = d
	}
	return a, problems
}

// agencyDuration reads a Go duration, or a whole number of seconds as
// Huawei Cloud's own provider takes HW_ASSUME_ROLE_DURATION.
func agencyDuration(value string) (time.Duration, error) {
	if seconds, err := strconv.ParseInt(value, 10, 32); err == nil {
		return time.Duration(seconds) * time.Second, nil
	}
	return time.ParseDuration(value)
}

// onGitHubActions reports a GitHub Actions job that may ask for ID tokens.
func (g Given) onGitHubActions() bool {
	return g.get(SettingActionsURL) != "" && g.get(SettingActionsToken) != ""
}

func hasErrors(problems []Problem) bool {
	for _, p := range problems {
		if !p.Warning {
			return true
		}
	}
	return false
}

// Region and ProjectID are the KooCLI profile's, which apply where the
// provider block and the environment give none.
func (c Choice) Region() string    { return c.profile.Region }
func (c Choice) ProjectID() string { return c.profile.ProjectID }

// AssumesRole reports an agency on top of the way.
func (c Choice) AssumesRole() bool { return c.agency != nil }

// NeedsIAM reports whether credentials are obtained from IAM, which then
// needs auth_url or a region.
func (c Choice) NeedsIAM() bool { return c.Way == WayPassword || c.Way == WayOIDC || c.agency != nil }

// ScopesToken reports a way whose token IAM scopes to a project, which
// then needs project_id or a region.
func (c Choice) ScopesToken() bool { return c.Way == WayPassword || c.Way == WayOIDC }

// String describes the choice for logs: "user_name/password, assume_role".
func (c Choice) String() string {
	if c.agency != nil {
		return c.Way.String() + ", assume_role"
	}
	return c.Way.String()
}

// Secrets are the secret values given, for masking in logs.
func (c Choice) Secrets() []string {
	var out []string
	for _, s := range []string{c.given.get(SettingToken), c.given.get(SettingSecretKey), c.given.get(SettingSecurityToken),
		c.given.get(SettingPassword), c.given.get(SettingIDToken), c.given.get(SettingActionsToken),
		c.profile.SecretAccessKey, c.profile.SecurityToken} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// upperFirst capitalises the first letter of a sentence.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
