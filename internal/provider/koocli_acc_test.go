package provider

// A KooCLI profile: its keys, security token, region, project and agency.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
)

// koocliFile writes a KooCLI configuration whose current profile is the
// first of profiles.
func koocliFile(t *testing.T, profiles ...map[string]string) string {
	t.Helper()
	data, err := json.Marshal(map[string]any{"current": profiles[0]["name"], "profiles": profiles})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// ciProfile is a profile of the emulator's temporary key.
func ciProfile(extra ...string) map[string]string {
	p := map[string]string{"name": "ci", "mode": "AKSK", "accessKeyId": testTempAccessKey, "secretAccessKey": testTempSecretKey,
		"securityToken": testSecurityTok, "projectId": testProject}
	for i := 0; i+1 < len(extra); i += 2 {
		p[extra[i]] = extra[i+1]
	}
	return p
}

// The profile's security token is sent, and its project read from.
func TestAccKooCLI_profile(t *testing.T) {
	srv, url := withTempKey(t)
	file := koocliFile(t, ciProfile())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            providerBlock("endpoint", url, "shared_config_file", file) + deployInfoBlock(testReleasePlan),
			ConfigStateChecks: readSucceeded(expect("project_id", knownvalue.StringExact(testProject)), readsAccepted(srv, "aksk")),
		}},
	})
}

// A named profile from the environment, whose agency acts as assume_role.
func TestAccKooCLI_profileWithAgencyEnv(t *testing.T) {
	srv, url := withIdentities(t)
	file := koocliFile(t, map[string]string{"name": "other", "mode": "AKSK", "accessKeyId": "X", "secretAccessKey": "Y"},
		ciProfile("accessKeyId", testAccessKey, "secretAccessKey", testSecretKey, "securityToken", "",
			"agencyName", testAgency, "agencyDomainName", testAgencyDomain))
	setenv(t, "HW_SHARED_CONFIG_FILE", file, "HW_PROFILE", "ci", "HW_SERVICESTAGE_ENDPOINT", url, "HW_AUTH_URL", url+"/v3")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            emptyProvider + deployInfoBlock(testReleasePlan),
			ConfigStateChecks: readSucceeded(readsSignedByAgency(srv)),
		}},
	})
}

// Profiles that cannot be used fail before any request, naming the fix.
func TestAccKooCLI_unusable(t *testing.T) {
	for _, tc := range []struct {
		name, profile string
		profiles      []map[string]string
		want          []string
	}{
		{"missing profile", "release", []map[string]string{ciProfile()},
			[]string{`Unusable KooCLI profile`, `Profile "release" of KooCLI configuration`, `does not exist: its profiles are "ci"`}},
		{"encrypted keys", "", []map[string]string{ciProfile("secretAccessKey", "0x8f3a+Zq/9k2L==")},
			[]string{`Unusable KooCLI profile`, `holds encrypted keys`, `hcloud configure set --cli-auth-encrypt=false`}},
		{"SSO mode", "", []map[string]string{ciProfile("mode", "SSO")},
			[]string{`Unusable KooCLI profile`, `has mode "SSO"; the provider reads AKSK profiles only`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, url := withTempKey(t)
			attrs := []string{"endpoint", url, "shared_config_file", koocliFile(t, tc.profiles...)}
			if tc.profile != "" {
				attrs = append(attrs, "profile", tc.profile)
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      providerBlock(attrs...) + deployInfoBlock(testReleasePlan),
					ExpectError: errorPattern(tc.want...),
				}},
			})
			assertNoRequests(t, srv)
		})
	}
}
