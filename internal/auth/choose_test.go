package auth

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// setting is one value of a Given, written in HCL or the environment.
type setting struct {
	s       Setting
	value   string
	fromEnv bool
}

func hcl(s Setting, value string) setting { return setting{s, value, false} }
func env(s Setting, value string) setting { return setting{s, value, true} }

func given(settings ...setting) Given {
	var g Given
	for _, s := range settings {
		g.Set(s.s, s.value, s.fromEnv)
	}
	return g
}

// Every value below is unique, so that a message showing one is caught.
var (
	vToken      = hcl(SettingToken, "VALUE-token")
	vAccessKey  = hcl(SettingAccessKey, "VALUE-ak")
	vSecretKey  = hcl(SettingSecretKey, "VALUE-sk")
	vSTS        = hcl(SettingSecurityToken, "VALUE-sts")
	vUser       = hcl(SettingUserName, "VALUE-user")
	vPassword   = hcl(SettingPassword, "VALUE-password")
	vDomain     = hcl(SettingDomainName, "VALUE-domain")
	vIdp        = hcl(SettingIdpID, "VALUE-idp")
	vIDToken    = hcl(SettingIDToken, "VALUE-id-token")
	vIDFile     = hcl(SettingIDTokenFile, "VALUE-id-token-file")
	vActionsURL = env(SettingActionsURL, "https://VALUE-actions-url/token?api-version=2.0")
	vActionsTok = env(SettingActionsToken, "VALUE-actions-token")
	vAgency     = hcl(SettingAgencyName, "VALUE-agency")
	vAgencyDom  = hcl(SettingAgencyDomainName, "VALUE-agency-domain")
)

// values is every value given, to look for in messages.
func values(settings []setting) []string {
	var out []string
	for _, s := range settings {
		out = append(out, s.value)
	}
	return out
}

// problemText is everything a problem says.
func problemText(p Problem) string { return p.Attr + "\n" + p.Summary + "\n" + p.Detail }

// sharedConfig writes a usable KooCLI configuration and returns the
// setting that names it.
func sharedConfig(t *testing.T, profiles ...map[string]string) setting {
	t.Helper()
	if len(profiles) == 0 {
		profiles = []map[string]string{kooProfile("default")}
	}
	return hcl(SettingSharedConfigFile, writeKooCLIConfig(t, t.TempDir(), "default", profiles...))
}

func TestChooseOrder(t *testing.T) {
	shared := sharedConfig(t)
	tests := []struct {
		name     string
		settings []setting
		want     Way
		ignored  []string // way names in the warning, "" for none
	}{
		{"nothing: the metadata service", nil, WayMetadata, nil},
		{"a metadata endpoint alone is not a way", []setting{env(SettingMetadataEndpoint, "http://VALUE-md")}, WayMetadata, nil},
		{"token", []setting{vToken}, WayToken, nil},
		{"AK/SK", []setting{vAccessKey, vSecretKey}, WayAccessKey, nil},
		{"temporary AK/SK", []setting{vAccessKey, vSecretKey, vSTS}, WayAccessKey, nil},
		{"password", []setting{vUser, vPassword, vDomain}, WayPassword, nil},
		{"ID token", []setting{vIdp, vIDToken}, WayOIDC, nil},
		{"ID token file", []setting{vIdp, vIDFile}, WayOIDC, nil},
		{"GitHub Actions", []setting{vIdp, vActionsURL, vActionsTok}, WayOIDC, nil},
		{"shared config", []setting{shared}, WaySharedConfig, nil},
		{"token over AK/SK", []setting{vToken, vAccessKey, vSecretKey}, WayToken, []string{"access_key/secret_key"}},
		{"token over password", []setting{vToken, vUser, vPassword, vDomain}, WayToken, []string{"user_name/password"}},
		{"AK/SK over password", []setting{vAccessKey, vSecretKey, vUser, vPassword, vDomain}, WayAccessKey, []string{"user_name/password"}},
		{"AK/SK over ID token", []setting{vAccessKey, vSecretKey, vIdp, vIDToken}, WayAccessKey, []string{"idp_id"}},
		{"password over ID token", []setting{vUser, vPassword, vDomain, vIdp, vIDFile}, WayPassword, []string{"idp_id"}},
		{"ID token over shared config", []setting{vIdp, vIDToken, shared}, WayOIDC, []string{"shared_config_file"}},
		{"password over shared config", []setting{vUser, vPassword, vDomain, shared}, WayPassword, []string{"shared_config_file"}},
		{"GitHub Actions variables alone are not a way", []setting{vActionsURL, vActionsTok}, WayMetadata, nil},
		{"everything: the token", []setting{vToken, vAccessKey, vSecretKey, vSTS, vUser, vPassword, vDomain, vIdp, vIDToken, shared},
			WayToken, []string{"access_key/secret_key", "user_name/password", "idp_id", "shared_config_file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			choice, problems := Choose(given(tt.settings...))
			if choice.Way != tt.want {
				t.Errorf("way %v, want %v", choice.Way, tt.want)
			}
			var warnings []Problem
			for _, p := range problems {
				if !p.Warning {
					t.Errorf("unexpected error %+v", p)
				}
				warnings = append(warnings, p)
			}
			if len(tt.ignored) == 0 {
				if len(warnings) > 0 {
					t.Errorf("unexpected warnings %+v", warnings)
				}
				return
			}
			if len(warnings) != 1 {
				t.Fatalf("%d warnings, want 1 naming %v", len(warnings), tt.ignored)
			}
			w := warnings[0]
			assertContains(t, "warning summary", w.Summary, append([]string{"Using " + tt.want.String()}, tt.ignored...)...)
			// The file path is where the profile is, not a secret; every other value must not show.
			assertLacks(t, "warning", problemText(w), values(slices.DeleteFunc(slices.Clone(tt.settings),
				func(s setting) bool { return s.s == SettingSharedConfigFile }))...)
		})
	}
}

func TestChooseWarningSaysWhereEachWayWasSet(t *testing.T) {
	tests := []struct {
		name     string
		settings []setting
		attr     string
		want     []string
	}{
		{
			"token from the environment over AK/SK in HCL",
			[]setting{env(SettingToken, "VALUE-t"), vAccessKey, vSecretKey},
			"token",
			[]string{"HW_AUTH_TOKEN environment variable", "an access key (access_key and secret_key in the provider block)",
				"unset HW_AUTH_TOKEN"},
		},
		{
			"AK/SK split between HCL and the environment, over a password from the environment",
			[]setting{vAccessKey, env(SettingSecretKey, "VALUE-s"), env(SettingUserName, "VALUE-u"), env(SettingPassword, "VALUE-p"), vDomain},
			"access_key",
			[]string{"access_key in the provider block and the HW_SECRET_KEY environment variable",
				"a user and password (the HW_USER_NAME and HW_PASSWORD environment variables)",
				"remove access_key from the provider block and unset HW_SECRET_KEY"},
		},
		{
			"token in HCL over an ID token file from the environment",
			[]setting{vToken, env(SettingIdpID, "VALUE-i"), env(SettingIDTokenFile, "VALUE-f")},
			"token",
			[]string{"token in the provider block", "an OpenID Connect ID token (the HW_IDP_ID and HW_ID_TOKEN_FILE environment variables)",
				"remove token from the provider block"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, problems := Choose(given(tt.settings...))
			if len(problems) != 1 || !problems[0].Warning {
				t.Fatalf("problems %+v, want one warning", problems)
			}
			w := problems[0]
			if w.Attr != tt.attr {
				t.Errorf("warning on %q, want %q", w.Attr, tt.attr)
			}
			assertContains(t, "warning", w.Detail, tt.want...)
			assertLacks(t, "warning", problemText(w), values(tt.settings)...)
		})
	}
}

func TestChooseHalfPairs(t *testing.T) {
	tests := []struct {
		name     string
		settings []setting
		attrs    []string // the problems' attributes, in order
	}{
		{"AK without SK", []setting{vAccessKey}, []string{"secret_key"}},
		{"SK without AK", []setting{vSecretKey}, []string{"access_key"}},
		{"security token alone", []setting{vSTS}, []string{"security_token"}},
		{"security token with AK only", []setting{vAccessKey, vSTS}, []string{"secret_key", "security_token"}},
		{"user without password", []setting{vUser, vDomain}, []string{"password"}},
		{"password without user", []setting{vPassword, vDomain}, []string{"user_name"}},
		{"user and password without domain", []setting{vUser, vPassword}, []string{"domain_name"}},
		{"user alone", []setting{vUser}, []string{"password", "domain_name"}},
		{"ID token without idp_id", []setting{vIDToken}, []string{"idp_id"}},
		{"ID token file without idp_id", []setting{vIDFile}, []string{"idp_id"}},
		{"idp_id without any ID token", []setting{vIdp}, []string{"idp_id"}},
		{"idp_id with half the GitHub Actions variables", []setting{vIdp, vActionsURL}, []string{"idp_id"}},
		{"idp_id with the other half", []setting{vIdp, vActionsTok}, []string{"idp_id"}},
		{"agency without its account", []setting{vToken, vAgency}, []string{"assume_role.domain_name"}},
		{"account without its agency", []setting{vToken, vAgencyDom}, []string{"assume_role.agency_name"}},
		{"duration alone", []setting{vToken, hcl(SettingAgencyDuration, "1h")}, []string{"assume_role.agency_name", "assume_role.domain_name"}},
		{"a half pair below a complete way", []setting{vToken, vAccessKey}, []string{"secret_key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			choice, problems := Choose(given(tt.settings...))
			var attrs []string
			for _, p := range problems {
				if p.Warning {
					t.Errorf("unexpected warning %+v", p)
					continue
				}
				attrs = append(attrs, p.Attr)
				if p.Summary == "" || p.Detail == "" {
					t.Errorf("problem %+v does not say what is wrong", p)
				}
				assertLacks(t, "problem", problemText(p), values(tt.settings)...)
			}
			if !reflect.DeepEqual(attrs, tt.attrs) {
				t.Errorf("problems on %v, want %v", attrs, tt.attrs)
			}
			if choice.Way != NoWay {
				t.Errorf("a configuration with errors chose %v", choice.Way)
			}
		})
	}
}

func TestChooseHalfPairNamesTheVariables(t *testing.T) {
	_, problems := Choose(given(vAccessKey))
	if len(problems) != 1 {
		t.Fatalf("problems %+v", problems)
	}
	assertContains(t, "problem", problems[0].Detail, "access_key", "secret_key", "HW_SECRET_KEY")

	_, problems = Choose(given(vIdp))
	assertContains(t, "problem", problems[0].Detail, "id_token", "HW_ID_TOKEN", "id_token_file", "HW_ID_TOKEN_FILE",
		"id-token: write", "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN")
}

// Each half-pair problem names the setting that is actually given.
func TestChooseHalfPairBlamesWhatIsSet(t *testing.T) {
	tests := []struct {
		settings []setting
		attr     string
		because  string
	}{
		{[]setting{vUser, vPassword}, "domain_name", "user_name is set"},
		{[]setting{vPassword}, "domain_name", "password is set"},
		{[]setting{vPassword}, "user_name", "password is set"},
		{[]setting{vUser}, "password", "user_name is set"},
		{[]setting{vSecretKey}, "access_key", "secret_key is set"},
		{[]setting{vIDFile}, "idp_id", "id_token_file is set"},
	}
	for _, tt := range tests {
		_, problems := Choose(given(tt.settings...))
		found := false
		for _, p := range problems {
			if p.Attr == tt.attr {
				found = true
				assertContains(t, "problem on "+tt.attr, p.Detail, tt.because)
				for _, s := range []Setting{SettingUserName, SettingPassword, SettingSecretKey, SettingIDTokenFile} {
					if set := slices.ContainsFunc(tt.settings, func(g setting) bool { return g.s == s }); !set &&
						strings.Contains(p.Detail, s.Attr+" is set") {
						t.Errorf("problem on %s says %s is set, which it is not: %s", tt.attr, s.Attr, p.Detail)
					}
				}
			}
		}
		if !found {
			t.Errorf("no problem on %s for %v", tt.attr, values(tt.settings))
		}
	}
}

func TestChooseAssumeRoleDuration(t *testing.T) {
	tests := []struct {
		value string
		want  time.Duration // 0: an error
	}{
		{"", time.Hour},
		{"15m", 15 * time.Minute},
		{"1h", time.Hour},
		{"1h30m", 90 * time.Minute},
		{"24h", 24 * time.Hour},
		{"900", 15 * time.Minute},
		{"86400", 24 * time.Hour},
		{"14m59s", 0},
		{"24h0m1s", 0},
		{"899", 0},
		{"86401", 0},
		{"0", 0},
		{"-1h", 0},
		{"an hour", 0},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			settings := []setting{vToken, vAgency, vAgencyDom}
			if tt.value != "" {
				settings = append(settings, env(SettingAgencyDuration, tt.value))
			}
			choice, problems := Choose(given(settings...))
			if tt.want == 0 {
				if len(problems) != 1 || problems[0].Attr != "assume_role.duration" || problems[0].Warning {
					t.Fatalf("problems %+v, want one error on assume_role.duration", problems)
				}
				assertContains(t, "problem", problems[0].Detail, "15m", "24h", "HW_ASSUME_ROLE_DURATION")
				return
			}
			if len(problems) != 0 {
				t.Fatalf("unexpected problems %+v", problems)
			}
			want := &agency{name: "VALUE-agency", domainName: "VALUE-agency-domain", duration: tt.want}
			if !reflect.DeepEqual(choice.agency, want) {
				t.Errorf("agency %+v, want %+v", choice.agency, want)
			}
			if !choice.AssumesRole() {
				t.Error("AssumesRole is false")
			}
		})
	}
}

func TestChooseProfileAgencyActsAsAssumeRole(t *testing.T) {
	shared := sharedConfig(t, kooProfile("default", "agencyName", "deployer", "agencyDomainName", "owner"))
	choice, problems := Choose(given(shared))
	if len(problems) != 0 {
		t.Fatalf("unexpected problems %+v", problems)
	}
	want := &agency{name: "deployer", domainName: "owner", duration: defaultAgencyDuration}
	if choice.Way != WaySharedConfig || !reflect.DeepEqual(choice.agency, want) {
		t.Errorf("way %v with agency %+v, want the shared config with %+v", choice.Way, choice.agency, want)
	}
	if !choice.NeedsIAM() || choice.String() != "shared_config_file, assume_role" {
		t.Errorf("NeedsIAM %v, String %q", choice.NeedsIAM(), choice.String())
	}

	byID := sharedConfig(t, kooProfile("default", "agencyName", "deployer", "agencyDomainId", "owner-id"))
	choice, _ = Choose(given(byID))
	if want := (&agency{name: "deployer", domainID: "owner-id", duration: defaultAgencyDuration}); !reflect.DeepEqual(choice.agency, want) {
		t.Errorf("agency %+v, want %+v", choice.agency, want)
	}

	// assume_role given in the provider wins over the profile's.
	choice, _ = Choose(given(shared, vAgency, vAgencyDom, hcl(SettingAgencyDuration, "2h")))
	if want := (&agency{name: "VALUE-agency", domainName: "VALUE-agency-domain", duration: 2 * time.Hour}); !reflect.DeepEqual(choice.agency, want) {
		t.Errorf("agency %+v, want the provider's %+v", choice.agency, want)
	}

	// A profile without agency fields assumes no role.
	choice, _ = Choose(given(sharedConfig(t)))
	if choice.AssumesRole() {
		t.Error("a profile without agency assumes a role")
	}
}

func TestChooseProfileRegionAndProject(t *testing.T) {
	choice, _ := Choose(given(sharedConfig(t)))
	if choice.Region() != "cn-north-4" || choice.ProjectID() != "project-default" {
		t.Errorf("region %q and project %q, want the profile's", choice.Region(), choice.ProjectID())
	}
	choice, _ = Choose(given(vToken))
	if choice.Region() != "" || choice.ProjectID() != "" {
		t.Errorf("a token has region %q and project %q", choice.Region(), choice.ProjectID())
	}
}

func TestChooseProfileWithoutFileReadsTheDefault(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	if err := os.MkdirAll(filepath.Join(home, ".hcloud"), 0o700); err != nil {
		t.Fatal(err)
	}
	writeKooCLIConfig(t, filepath.Join(home, ".hcloud"), "default", kooProfile("default"), kooProfile("ci"))
	choice, problems := Choose(given(env(SettingProfile, "ci")))
	if len(problems) != 0 || choice.Way != WaySharedConfig || choice.profile.Name != "ci" {
		t.Errorf("way %v, profile %q, problems %+v; want profile ci of ~/.hcloud/config.json", choice.Way, choice.profile.Name, problems)
	}
}

func TestChooseUnusableProfile(t *testing.T) {
	tests := []struct {
		name     string
		settings func(t *testing.T) []setting
		attr     string
	}{
		{"missing file", func(t *testing.T) []setting {
			return []setting{hcl(SettingSharedConfigFile, filepath.Join(t.TempDir(), "none.json"))}
		}, "shared_config_file"},
		{"missing profile", func(t *testing.T) []setting { return []setting{sharedConfig(t), hcl(SettingProfile, "prod")} }, "profile"},
		{"encrypted keys", func(t *testing.T) []setting {
			return []setting{sharedConfig(t, kooProfile("default", "secretAccessKey", "c2VjcmV0/a2V5+"))}
		}, "profile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			choice, problems := Choose(given(tt.settings(t)...))
			if len(problems) != 1 || problems[0].Warning || problems[0].Attr != tt.attr {
				t.Fatalf("problems %+v, want one error on %s", problems, tt.attr)
			}
			assertContains(t, "problem", problems[0].Summary, "KooCLI")
			assertLacks(t, "problem", problemText(problems[0]), testProfileSK, "c2VjcmV0/a2V5+")
			if choice.Way != NoWay {
				t.Errorf("an unusable profile chose %v", choice.Way)
			}
		})
	}
}

// A profile below the way used is not read: a missing one is only named
// in the warning about ignored ways.
func TestChooseDoesNotReadAnIgnoredProfile(t *testing.T) {
	choice, problems := Choose(given(vToken, hcl(SettingSharedConfigFile, "/nonexistent/config.json")))
	if choice.Way != WayToken || len(problems) != 1 || !problems[0].Warning {
		t.Errorf("way %v, problems %+v; want the token and a warning", choice.Way, problems)
	}
}

func TestChoiceNeedsIAMAndScopesToken(t *testing.T) {
	shared := sharedConfig(t)
	tests := []struct {
		name             string
		settings         []setting
		needsIAM, scopes bool
	}{
		{"token", []setting{vToken}, false, false},
		{"AK/SK", []setting{vAccessKey, vSecretKey}, false, false},
		{"password", []setting{vUser, vPassword, vDomain}, true, true},
		{"ID token", []setting{vIdp, vIDToken}, true, true},
		{"shared config", []setting{shared}, false, false},
		{"metadata", nil, false, false},
		{"token with an agency", []setting{vToken, vAgency, vAgencyDom}, true, false},
		{"AK/SK with an agency", []setting{vAccessKey, vSecretKey, vAgency, vAgencyDom}, true, false},
		{"metadata with an agency", []setting{vAgency, vAgencyDom}, true, false},
		{"password with an agency", []setting{vUser, vPassword, vDomain, vAgency, vAgencyDom}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			choice, problems := Choose(given(tt.settings...))
			if len(problems) != 0 {
				t.Fatalf("unexpected problems %+v", problems)
			}
			if choice.NeedsIAM() != tt.needsIAM || choice.ScopesToken() != tt.scopes {
				t.Errorf("NeedsIAM %v, ScopesToken %v; want %v, %v", choice.NeedsIAM(), choice.ScopesToken(), tt.needsIAM, tt.scopes)
			}
		})
	}
}

func TestChoiceString(t *testing.T) {
	for want, settings := range map[string][]setting{
		"token":                           {vToken},
		"access_key/secret_key":           {vAccessKey, vSecretKey},
		"user_name/password, assume_role": {vUser, vPassword, vDomain, vAgency, vAgencyDom},
		"idp_id":                          {vIdp, vIDToken},
		"ecs_metadata":                    nil,
		"ecs_metadata, assume_role":       {vAgency, vAgencyDom},
	} {
		choice, _ := Choose(given(settings...))
		if got := choice.String(); got != want {
			t.Errorf("String() = %q, want %q", got, want)
		}
	}
}

func TestChoiceSecrets(t *testing.T) {
	all := []setting{vToken, vAccessKey, vSecretKey, vSTS, vUser, vPassword, vDomain, vIdp, vIDToken, vIDFile,
		vActionsURL, vActionsTok, vAgency, vAgencyDom, hcl(SettingIDTokenAudience, "VALUE-audience")}
	choice, _ := Choose(given(all...))
	got := choice.Secrets()
	want := []string{"VALUE-token", "VALUE-sk", "VALUE-sts", "VALUE-password", "VALUE-id-token", "VALUE-actions-token"}
	slices.Sort(got)
	slices.Sort(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Secrets() = %v, want %v", got, want)
	}

	profile := sharedConfig(t, kooProfile("default", "securityToken", "VALUE-profile-sts"))
	choice, _ = Choose(given(profile))
	got = choice.Secrets()
	slices.Sort(got)
	if want := []string{testProfileSK, "VALUE-profile-sts"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Secrets() of a profile = %v, want %v", got, want)
	}
	for _, s := range got {
		if strings.HasPrefix(s, "AK") {
			t.Errorf("an access key is listed as a secret: %q", s)
		}
	}

	choice, _ = Choose(Given{})
	if s := choice.Secrets(); len(s) != 0 {
		t.Errorf("no settings, yet secrets %v", s)
	}
}

func TestGivenValue(t *testing.T) {
	g := given(env(SettingToken, "t"), hcl(SettingAccessKey, "a"), env(SettingSecretKey, ""))
	for _, tt := range []struct {
		s       Setting
		value   string
		fromEnv bool
	}{
		{SettingToken, "t", true}, {SettingAccessKey, "a", false}, {SettingSecretKey, "", false}, {SettingPassword, "", false},
	} {
		if v, fromEnv := g.Value(tt.s); v != tt.value || fromEnv != tt.fromEnv {
			t.Errorf("Value(%s) = %q, %v; want %q, %v", tt.s.Env, v, fromEnv, tt.value, tt.fromEnv)
		}
	}
}

// A profile's agency without its account is found before any request.
func TestChooseProfileAgencyNeedsItsAccount(t *testing.T) {
	_, problems := Choose(given(sharedConfig(t, kooProfile("default", "agencyName", "deployer"))))
	if len(problems) != 1 || problems[0].Warning || problems[0].Attr != "profile" {
		t.Fatalf("problems %+v, want one error on profile", problems)
	}
	assertContains(t, "problem", problemText(problems[0]), `agency "deployer"`, "agencyDomainName", "assume_role")
}

// The several-ways warning points at a setting that was given.
func TestChooseWarningPointsAtAGivenSetting(t *testing.T) {
	var g Given
	g.Set(SettingProfile, "default", false)
	g.Set(SettingSharedConfigFile, "", false)
	w := g.severalWaysWarning(WaySharedConfig, []Way{WayMetadata})
	if w.Attr != "profile" {
		t.Errorf("the warning points at %q, want profile, the setting given", w.Attr)
	}
}
