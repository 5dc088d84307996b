package emulator_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

// The demo's agency and identity provider work with the demo's own
// credentials and ID tokens, as the banner tells users.
func TestSeededAgencyAndIdentityProvider(t *testing.T) {
	srv := emulator.New()
	srv.SeedDemo(time.Now())
	ts := srv.Start()
	t.Cleanup(ts.Close)

	a := assume(t, ts.URL, http.DefaultTransport, emulator.DemoToken, assumeBody(emulator.DemoAgencyName, emulator.DemoAgencyDomain, 3600))
	if a.status != http.StatusCreated {
		t.Errorf("assuming the demo agency: HTTP %d %s", a.status, a.body)
	}

	jwt := srv.MintIDToken(emulator.DemoIdpIssuer, emulator.DemoIdpClientID, emulator.ActionsSubject, time.Hour)
	body := `{"auth":{"id_token":{"id":"` + jwt + `"},"scope":{"project":{"id":"` + emulator.DemoProject + `"}}}}`
	x := exchange(t, ts.URL, emulator.DemoIdpID, body)
	if x.status != http.StatusCreated {
		t.Fatalf("exchanging for the demo identity provider: HTTP %d %s", x.status, x.body)
	}
	req := apiGet(t, ts.URL, "/v3/"+emulator.DemoProject+"/cas/release-plans", x.header.Get("X-Subject-Token"))
	wantOK(t, do(t, http.DefaultTransport, req))
}
