package auth

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

const testProfileSK = "ProfileSecretKeyDoNotLeak0123456789abcd"

// writeKooCLIConfig writes a KooCLI configuration with the given current
// profile and profiles, and returns its path.
func writeKooCLIConfig(t *testing.T, dir, current string, profiles ...map[string]string) string {
	t.Helper()
	data, err := json.Marshal(map[string]any{"current": current, "profiles": profiles, "language": "en"})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "config.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func kooProfile(name string, fields ...string) map[string]string {
	p := map[string]string{"name": name, "mode": "AKSK", "accessKeyId": "AK" + name, "secretAccessKey": testProfileSK,
		"region": "cn-north-4", "projectId": "project-" + name, "domainId": "domain-" + name}
	for i := 0; i+1 < len(fields); i += 2 {
		p[fields[i]] = fields[i+1]
	}
	return p
}

func TestReadProfile(t *testing.T) {
	dir := t.TempDir()
	file := writeKooCLIConfig(t, dir, "work",
		kooProfile("default"),
		kooProfile("work", "securityToken", "profile-sts", "agencyName", "deployer", "agencyDomainName", "owner", "agencyDomainId", "owner-id"),
		kooProfile("lower", "mode", "aksk"),
		kooProfile("nomode", "mode", ""),
	)
	tests := []struct {
		name, ask string
		want      Profile
	}{
		{"the current profile", "", Profile{Name: "work", Mode: "AKSK", AccessKeyID: "AKwork", SecretAccessKey: testProfileSK,
			SecurityToken: "profile-sts", Region: "cn-north-4", ProjectID: "project-work", DomainID: "domain-work",
			AgencyName: "deployer", AgencyDomainName: "owner", AgencyDomainID: "owner-id"}},
		{"a named profile", "default", Profile{Name: "default", Mode: "AKSK", AccessKeyID: "AKdefault", SecretAccessKey: testProfileSK,
			Region: "cn-north-4", ProjectID: "project-default", DomainID: "domain-default"}},
		{"mode in lower case", "lower", Profile{Name: "lower", Mode: "aksk", AccessKeyID: "AKlower", SecretAccessKey: testProfileSK,
			Region: "cn-north-4", ProjectID: "project-lower", DomainID: "domain-lower"}},
		{"no mode", "nomode", Profile{Name: "nomode", AccessKeyID: "AKnomode", SecretAccessKey: testProfileSK,
			Region: "cn-north-4", ProjectID: "project-nomode", DomainID: "domain-nomode"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadProfile(file, tt.ask)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("profile\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestProfileCredentialSendsItsSecurityToken(t *testing.T) {
	p := Profile{AccessKeyID: "AK", SecretAccessKey: "SK", SecurityToken: "STS"}
	if got, want := p.Credential(), (Credential{Keys: KeyPair{AccessKey: "AK", SecretKey: "SK", SecurityToken: "STS"}}); got != want {
		t.Errorf("credential %+v, want %+v", got, want)
	}
}

func TestReadProfileExpandsHome(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	if err := os.MkdirAll(filepath.Join(home, ".hcloud"), 0o700); err != nil {
		t.Fatal(err)
	}
	writeKooCLIConfig(t, filepath.Join(home, ".hcloud"), "default", kooProfile("default"))
	got, err := ReadProfile(DefaultSharedConfigFile, "")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "default" || got.AccessKeyID != "AKdefault" {
		t.Errorf("profile %+v, want the default one from ~/.hcloud/config.json", got)
	}
}

func TestReadProfileErrors(t *testing.T) {
	dir := t.TempDir()
	encrypted := "ZW5jcnlwdGVkLXNlY3JldC1rZXk=:aGVsbG8vd29ybGQrMTIz" // base64 and a colon: not a key IAM issues
	good := writeKooCLIConfig(t, dir, "default",
		kooProfile("default"),
		kooProfile("empty-sk", "secretAccessKey", ""),
		kooProfile("empty-ak", "accessKeyId", ""),
		kooProfile("encrypted", "secretAccessKey", encrypted),
		kooProfile("encrypted-ak", "accessKeyId", "aGVsbG8vd29ybGQrMTIz=="),
		kooProfile("sso", "mode", "SSO"),
		kooProfile("agency", "mode", "ecsAgency"),
	)
	noCurrent := writeKooCLIConfig(t, t.TempDir(), "", kooProfile("a"), kooProfile("b"))
	empty := writeKooCLIConfig(t, t.TempDir(), "default")
	notJSON := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(notJSON, []byte("current = default\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "nowhere", "config.json")

	tests := []struct {
		name, file, profile string
		setting             string
		want                []string
	}{
		{"missing file", missing, "", "shared_config_file", []string{missing, "does not exist", "hcloud configure init", "HW_SHARED_CONFIG_FILE"}},
		{"not JSON", notJSON, "", "shared_config_file", []string{notJSON, "JSON"}},
		{"missing profile", good, "prod", "profile", []string{good, `"prod"`, "does not exist", `"default"`, `"empty-sk"`, `"sso"`}},
		{"no profiles at all", empty, "", "profile", []string{empty, `"default"`, "no profiles"}},
		{"no current profile", noCurrent, "", "profile", []string{noCurrent, "no current profile", `"a"`, `"b"`, "HW_PROFILE"}},
		{"empty secret key", good, "empty-sk", "profile", []string{good, `"empty-sk"`, "secretAccessKey", "hcloud configure set"}},
		{"empty access key", good, "empty-ak", "profile", []string{good, `"empty-ak"`, "accessKeyId"}},
		{"encrypted secret key", good, "encrypted", "profile", []string{good, `"encrypted"`, "encrypted", "hcloud configure set --cli-auth-encrypt=false"}},
		{"encrypted access key", good, "encrypted-ak", "profile", []string{good, `"encrypted-ak"`, "hcloud configure set --cli-auth-encrypt=false"}},
		{"SSO mode", good, "sso", "profile", []string{good, `"sso"`, `"SSO"`, "AKSK"}},
		{"ecsAgency mode", good, "agency", "profile", []string{good, `"agency"`, `"ecsAgency"`, "AKSK", "metadata"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadProfile(tt.file, tt.profile)
			if err == nil {
				t.Fatal("ReadProfile succeeded")
			}
			pe := asError[*ProfileError](t, err)
			if pe.Setting != tt.setting {
				t.Errorf("Setting %q, want %q", pe.Setting, tt.setting)
			}
			assertContains(t, "error", err.Error(), tt.want...)
			assertLacks(t, "error", err.Error(), testProfileSK, encrypted)
		})
	}
}
