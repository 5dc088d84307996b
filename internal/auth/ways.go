package auth

import (
	"fmt"
	"strings"
)

// Way is one way of authenticating. A provider uses one: the first
// configured, in the order of these constants.
type Way int

const (
	NoWay Way = iota
	WayToken
	WayAccessKey
	WayPassword
	WayOIDC
	WaySharedConfig
	// WayMetadata is what is left when nothing is configured.
	WayMetadata
)

// Setting is an argument of the provider block and the environment
// variable it falls back to. Attr is dotted inside a block
// ("assume_role.agency_name"), and empty for a variable the runner sets.
type Setting struct{ Attr, Env string }

// The settings of the ways, as the contract names them.
var (
	SettingToken            = Setting{"token", "HW_AUTH_TOKEN"}
	SettingAccessKey        = Setting{"access_key", "HW_ACCESS_KEY"}
	SettingSecretKey        = Setting{"secret_key", "HW_SECRET_KEY"}
	SettingSecurityToken    = Setting{"security_token", "HW_SECURITY_TOKEN"}
	SettingUserName         = Setting{"user_name", "HW_USER_NAME"}
	SettingPassword         = Setting{"password", "HW_PASSWORD"}
	SettingDomainName       = Setting{"domain_name", "HW_DOMAIN_NAME"}
	SettingIdpID            = Setting{"idp_id", "HW_IDP_ID"}
	SettingIDToken          = Setting{"id_token", "HW_ID_TOKEN"}
	SettingIDTokenFile      = Setting{"id_token_file", "HW_ID_TOKEN_FILE"}
	SettingIDTokenAudience  = Setting{"id_token_audience", "HW_ID_TOKEN_AUDIENCE"}
	SettingActionsURL       = Setting{"", "ACTIONS_ID_TOKEN_REQUEST_URL"}
	SettingActionsToken     = Setting{"", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"}
	SettingSharedConfigFile = Setting{"shared_config_file", "HW_SHARED_CONFIG_FILE"}
	SettingProfile          = Setting{"profile", "HW_PROFILE"}
	SettingAgencyName       = Setting{"assume_role.agency_name", "HW_ASSUME_ROLE_AGENCY_NAME"}
	SettingAgencyDomainName = Setting{"assume_role.domain_name", "HW_ASSUME_ROLE_DOMAIN_NAME"}
	SettingAgencyDuration   = Setting{"assume_role.duration", "HW_ASSUME_ROLE_DURATION"}
	SettingMetadataEndpoint = Setting{"", "HW_METADATA_ENDPOINT"}
)

// key identifies a setting in Given.
func (s Setting) key() string {
	if s.Attr == "" {
		return s.Env
	}
	return s.Attr
}

// ways says, for each way, its name in logs and warnings, what users call
// it, and the settings that make it configured.
var ways = [...]struct {
	key, name string
	settings  []Setting
}{
	NoWay:           {"none", "no credentials", nil},
	WayToken:        {"token", "an IAM token", []Setting{SettingToken}},
	WayAccessKey:    {"access_key/secret_key", "an access key", []Setting{SettingAccessKey, SettingSecretKey}},
	WayPassword:     {"user_name/password", "a user and password", []Setting{SettingUserName, SettingPassword}},
	WayOIDC:         {"idp_id", "an OpenID Connect ID token", []Setting{SettingIdpID, SettingIDToken, SettingIDTokenFile}},
	WaySharedConfig: {"shared_config_file", "a KooCLI profile", []Setting{SettingSharedConfigFile, SettingProfile}},
	WayMetadata:     {"ecs_metadata", "the ECS metadata service", nil},
}

func (w Way) String() string { return ways[w].key }

// order is the contract's order of the ways, as a sentence.
const order = "token; access_key and secret_key; user_name and password; idp_id with an ID token; " +
	"shared_config_file (or profile); the ECS metadata service"

// origin says where the settings of way w came from, naming attributes and
// environment variables, never values, and how to undo them.
func (g Given) origin(w Way) (where, undo string) {
	var hcl, env []string
	for _, s := range ways[w].settings {
		switch {
		case g.get(s) == "":
		case g.fromEnv[s.key()]:
			env = append(env, s.Env)
		default:
			hcl = append(hcl, s.Attr)
		}
	}
	var parts, undos []string
	if len(hcl) > 0 {
		parts = append(parts, joinAnd(hcl)+" in the provider block")
		undos = append(undos, "remove "+joinAnd(hcl)+" from the provider block")
	}
	if len(env) > 0 {
		parts = append(parts, "the "+joinAnd(env)+" environment variable"+plural(len(env)))
		undos = append(undos, "unset "+joinAnd(env))
	}
	return strings.Join(parts, " and "), strings.Join(undos, " and ")
}

// severalWaysWarning says which way is used and which are ignored, and
// where each was set: a stale token in the environment otherwise wins
// silently over credentials written in HCL.
func (g Given) severalWaysWarning(used Way, ignored []Way) Problem {
	usedWhere, undo := g.origin(used)
	names := make([]string, len(ignored))
	texts := make([]string, len(ignored))
	for i, w := range ignored {
		where, _ := g.origin(w)
		names[i] = w.String()
		texts[i] = fmt.Sprintf("%s (%s)", ways[w].name, where)
	}
	attr := ways[used].settings[0].Attr
	for _, s := range ways[used].settings {
		if g.get(s) != "" {
			attr = s.Attr // the first of the way's settings that is given
			break
		}
	}
	return Problem{Attr: attr, Warning: true,
		Summary: "Using " + used.String() + ", ignoring " + joinAnd(names),
		Detail: fmt.Sprintf("The provider authenticates one way, the first given of: %s. It uses %s (%s) and ignores %s.\n\n"+
			"To use the other credentials instead, %s.", order, ways[used].name, usedWhere, joinAnd(texts), undo)}
}

// NoCredentialsError says that no way is configured and the ECS metadata
// service, tried last, did not answer.
type NoCredentialsError struct {
	MetadataURL string
	Err         error
}

func (e *NoCredentialsError) Error() string {
	return "the servicestage provider has no credentials. Use one of:\n" +
		"  - an IAM token: token, or HW_AUTH_TOKEN;\n" +
		"  - an access key: access_key and secret_key (and security_token for temporary credentials), " +
		"or HW_ACCESS_KEY, HW_SECRET_KEY (and HW_SECURITY_TOKEN);\n" +
		"  - an IAM user: user_name, password and domain_name, or HW_USER_NAME, HW_PASSWORD and HW_DOMAIN_NAME;\n" +
		"  - in CI, an OpenID Connect ID token: idp_id with id_token or id_token_file (HW_IDP_ID, HW_ID_TOKEN, " +
		"HW_ID_TOKEN_FILE), or on GitHub Actions idp_id alone in a job with `permissions: id-token: write`;\n" +
		"  - a KooCLI profile: shared_config_file and profile (HW_SHARED_CONFIG_FILE, HW_PROFILE);\n" +
		"  - on an ECS with an agency, nothing: the ECS metadata service. It was tried last, at " + e.MetadataURL +
		", and did not answer (" + e.Err.Error() + ").\n" +
		"Any of them may act through an agency with assume_role."
}

func (e *NoCredentialsError) Unwrap() error { return e.Err }

// Lasting: nothing will start answering during this run, and asking at
// every read would cost each one the wait.
func (e *NoCredentialsError) Lasting() bool { return true }

// joinAnd joins words as a sentence does: "a", "a and b", "a, b and c".
func joinAnd(words []string) string {
	if len(words) <= 1 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// plural is "s" for a count other than one.
func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
