package provider

import (
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

// A password and a secret key that end in a space are sent as they are,
// and the emulator accepts exactly that credential; each gets a warning on
// its attribute that does not show it.
func TestAccCredentials_usedAsGiven(t *testing.T) {
	const (
		spacedPassword  = "pass phrase ending in a space "
		spacedAccessKey = "SPACEDACCESSKEY00001"
		spacedSecretKey = "secret-key-ending-in-a-space "
	)
	for _, tc := range []struct {
		name, config, attr string
		secret             string
		auth               string
	}{
		{"password", "password", "password", spacedPassword, "token"},
		{"secret_key", "secret_key", "secret_key", spacedSecretKey, "aksk"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, url := withTask(t)
			srv.AddUser(emulator.User{Name: testUser, Password: spacedPassword, Domain: testDomain})
			srv.AddAccessKey(emulator.AccessKey{AccessKey: spacedAccessKey, SecretKey: spacedSecretKey})
			config := providerBlock("endpoint", url, "auth_url", url+"/v3", "project_id", testProject,
				"user_name", testUser, "password", spacedPassword, "domain_name", testDomain)
			if tc.auth == "aksk" {
				config = providerBlock("endpoint", url, "project_id", testProject, "access_key", spacedAccessKey, "secret_key", spacedSecretKey)
			}
			rec := &warningRecorder{}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: rec.factories(),
				Steps: []resource.TestStep{{
					Config: config + deployInfoBlock(testReleasePlan),
					Check: rec.expectWarning(tc.attr, "Whitespace around "+tc.attr,
						[]string{tc.attr + " (or HW_", "starts or ends with whitespace"}, []string{strings.TrimSpace(tc.secret)}),
					ConfigStateChecks: readSucceeded(),
				}},
			})
			if reads := deployInfoReads(srv); len(reads) == 0 || reads[0].Auth != tc.auth || reads[0].Status != http.StatusOK {
				t.Errorf("reads %+v, want a %s read answered 200", reads, tc.auth)
			}
		})
	}
}
