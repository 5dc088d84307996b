package auth

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeAgencyIAM answers securitytokens with AGENCY-AK-n / AGENCY-SK-n /
// AGENCY-STS-n valid for an hour, recording how each request was
// authenticated; refuse, when not 0, is the status of every answer.
type fakeAgencyIAM struct {
	*fakeServer
	mu      sync.Mutex
	authBy  []string // X-Auth-Token, or the signing AK when the signature verifies
	refuse  int
	baseKey KeyPair
}

func newFakeAgencyIAM(t *testing.T, clock *fakeClock, baseKey KeyPair) *fakeAgencyIAM {
	iam := &fakeAgencyIAM{baseKey: baseKey}
	iam.fakeServer = newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int, body []byte) {
		if r.Method != http.MethodPost || r.URL.Path != "/v3.0/OS-CREDENTIAL/securitytokens" {
			http.Error(w, "unexpected "+r.Method+" "+r.URL.Path, http.StatusNotFound)
			return
		}
		by := r.Header.Get("X-Auth-Token")
		if by == "" && verifySignature(t, r, body, iam.baseKey) {
			by = iam.baseKey.AccessKey
		}
		iam.mu.Lock()
		iam.authBy = append(iam.authBy, by)
		refuse := iam.refuse
		iam.mu.Unlock()
		if refuse != 0 {
			w.Header().Set("X-Request-Id", "req-agency")
			writeJSON(w, refuse, map[string]any{"error": map[string]any{
				"code": "IAM.0003", "message": "Policy doesn't allow iam:agencies:assume to be performed."}})
			return
		}
		writeJSON(w, http.StatusCreated, temporaryKeysBody(fmt.Sprintf("AGENCY-AK-%d", n), fmt.Sprintf("AGENCY-SK-%d", n),
			fmt.Sprintf("AGENCY-STS-%d", n), clock.Now().Add(time.Hour)))
	})
	return iam
}

func (iam *fakeAgencyIAM) authenticatedBy() []string {
	iam.mu.Lock()
	defer iam.mu.Unlock()
	return append([]string(nil), iam.authBy...)
}

func agencyConfig(iam *fakeAgencyIAM, base Provider, clock *fakeClock) AgencyConfig {
	return AgencyConfig{
		AuthURL: iam.URL + "/v3", AgencyName: "servicestage-deployer", DomainName: "owner-account",
		Duration: 2 * time.Hour, Sender: Sender{UserAgent: "terraform-provider-servicestage/test", HTTPClient: &http.Client{Transport: &Transport{Credentials: base, Base: iam.Client().Transport, Now: clock.Now}}},
	}
}

var baseKeys = KeyPair{AccessKey: "BASE-AK", SecretKey: "BASE-SK-DO-NOT-LEAK"}

func TestAgencySourceRequest(t *testing.T) {
	tests := []struct {
		name       string
		base       Credential
		wantAuthBy string
	}{
		{"signed with the base AK/SK", Credential{Keys: baseKeys}, "BASE-AK"},
		{"sent with the base token", Credential{Token: "base-token"}, "base-token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			iam := newFakeAgencyIAM(t, clock, baseKeys)
			cred, err := NewAgencySource(agencyConfig(iam, Fixed(tt.base), clock)).Retrieve(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			want := Credential{Keys: KeyPair{AccessKey: "AGENCY-AK-1", SecretKey: "AGENCY-SK-1", SecurityToken: "AGENCY-STS-1"},
				ExpiresAt: clockStart.Add(time.Hour)}
			if cred != want {
				t.Errorf("credential %+v, want %+v", cred, want)
			}
			reqs := iam.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			if reqs[0].Path != "/v3.0/OS-CREDENTIAL/securitytokens" {
				t.Errorf("sent to %s", reqs[0].Path)
			}
			if got := iam.authenticatedBy(); !reflect.DeepEqual(got, []string{tt.wantAuthBy}) {
				t.Errorf("authenticated by %q, want %q", got, tt.wantAuthBy)
			}
			wantBody := map[string]any{"auth": map[string]any{"identity": map[string]any{
				"methods": []any{"assume_role"},
				"assume_role": map[string]any{"agency_name": "servicestage-deployer", "domain_name": "owner-account",
					"duration_seconds": float64(7200)},
			}}}
			if got := reqs[0].bodyJSON(t); !reflect.DeepEqual(got, wantBody) {
				t.Errorf("body\n%v\nwant\n%v", got, wantBody)
			}
		})
	}
}

func TestAgencySourceByDomainID(t *testing.T) {
	clock := newFakeClock()
	iam := newFakeAgencyIAM(t, clock, baseKeys)
	cfg := agencyConfig(iam, Fixed(Credential{Keys: baseKeys}), clock)
	cfg.DomainName, cfg.DomainID = "", "d-0123"
	if _, err := NewAgencySource(cfg).Retrieve(t.Context()); err != nil {
		t.Fatal(err)
	}
	role := iam.requests()[0].bodyJSON(t)["auth"].(map[string]any)["identity"].(map[string]any)["assume_role"].(map[string]any)
	if _, hasName := role["domain_name"]; hasName || role["domain_id"] != "d-0123" {
		t.Errorf("assume_role %v, want domain_id d-0123 and no domain_name", role)
	}
}

func TestAgencySourceRefusal(t *testing.T) {
	for _, status := range []int{http.StatusForbidden, http.StatusUnauthorized} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			clock := newFakeClock()
			iam := newFakeAgencyIAM(t, clock, baseKeys)
			iam.refuse = status
			cache := NewCache(NewAgencySource(agencyConfig(iam, Fixed(Credential{Keys: baseKeys}), clock)), clock.Now)
			err := mustFail(t, cache)

			iamErr := asError[*IAMError](t, err)
			if iamErr.Exchange != AgencyExchange || iamErr.StatusCode != status {
				t.Errorf("IAMError %+v, want the agency exchange's %d", iamErr, status)
			}
			assertContains(t, "error", err.Error(), "servicestage-deployer", "owner-account", "iam:agencies:assume",
				"agency_name", "domain_name", "req-agency", "IAM.0003", "2h0m0s")
			assertLacks(t, "error", err.Error(), baseKeys.SecretKey)
			_ = mustFail(t, cache)
			if n := iam.count(); n != 1 {
				t.Errorf("%d requests after two reads, want 1: IAM's refusal lasts", n)
			}
		})
	}
}

func TestAgencySourceAnswerWithoutCredential(t *testing.T) {
	for name, body := range map[string]string{
		"no credential":      `{}`,
		"no security token":  `{"credential":{"access":"A","secret":"S","expires_at":"2024-08-06T09:00:00Z"}}`,
		"unreadable expiry":  `{"credential":{"access":"A","secret":"S","securitytoken":"T","expires_at":"soon"}}`,
		"credential is null": `{"credential":null}`,
	} {
		t.Run(name, func(t *testing.T) {
			iam := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ []byte) {
				w.WriteHeader(http.StatusCreated)
				_, _ = w.Write([]byte(body))
			})
			cfg := AgencyConfig{AuthURL: iam.URL + "/v3", AgencyName: "a", DomainName: "d", Duration: time.Hour,
				Sender: Sender{HTTPClient: &http.Client{Transport: &Transport{Credentials: Fixed(Credential{Token: "t"}), Base: iam.Client().Transport}}}}
			_, err := NewAgencySource(cfg).Retrieve(t.Context())
			if err == nil || !strings.Contains(err.Error(), "agency") {
				t.Errorf("error %v, want one naming the agency's answer", err)
			}
		})
	}
}

// The way beneath the agency failing is told as it is.
func TestAgencySourceReportsTheBaseCredentialsError(t *testing.T) {
	clock := newFakeClock()
	iam := newFakeAgencyIAM(t, clock, baseKeys)
	passwordIAM, _ := failingIAM(t, http.StatusUnauthorized, `{"error_code":"IAM.0002","error_msg":"wrong password"}`)
	base := passwordCache(passwordIAM, clock)
	cache := NewCache(NewAgencySource(agencyConfig(iam, base, clock)), clock.Now)

	err := mustFail(t, cache)
	iamErr := asError[*IAMError](t, err)
	if iamErr.Exchange != PasswordExchange {
		t.Errorf("the error is the %d exchange's, want the password's", iamErr.Exchange)
	}
	assertContains(t, "error", err.Error(), "servicestage-deployer", "wrong password")
	assertLacks(t, "error", err.Error(), testPassword)
	if iam.count() != 0 {
		t.Error("the agency was asked without credentials")
	}
}

// An agency's keys over a renewed base: the agency's cache renews its
// keys five minutes before they expire, asking with the base credential
// of that moment, which its own cache has renewed.
func TestAgencyCacheOverABaseCacheRenews(t *testing.T) {
	clock := newFakeClock()
	iam := newFakeAgencyIAM(t, clock, baseKeys)
	baseSrc := newTokenSource(clock, 90*time.Minute) // base-token renewals at +85m
	base := NewCache(baseSrc, clock.Now)
	agency := NewCache(NewAgencySource(agencyConfig(iam, base, clock)), clock.Now) // renewals at +55m, +110m

	steps := []struct {
		at     time.Duration
		wantAK string
	}{
		{0, "AGENCY-AK-1"},
		{54 * time.Minute, "AGENCY-AK-1"},
		{55 * time.Minute, "AGENCY-AK-2"},
		{100 * time.Minute, "AGENCY-AK-2"},
		{110 * time.Minute, "AGENCY-AK-3"},
	}
	for _, step := range steps {
		clock.Set(clockStart.Add(step.at))
		if got := mustCredential(t, agency); got.Keys.AccessKey != step.wantAK {
			t.Errorf("at +%v: %s, want %s", step.at, got.Keys.AccessKey, step.wantAK)
		}
	}
	if got, want := iam.authenticatedBy(), []string{"tok-1", "tok-1", "tok-2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("the agency was asked with %v, want %v", got, want)
	}
	if n := baseSrc.Calls(); n != 2 {
		t.Errorf("%d base retrievals, want 2", n)
	}
}

func TestV30(t *testing.T) {
	for in, want := range map[string]string{
		"https://iam.ap-southeast-3.myhuaweicloud.com/v3":  "https://iam.ap-southeast-3.myhuaweicloud.com/v3.0",
		"https://iam.ap-southeast-3.myhuaweicloud.com/v3/": "https://iam.ap-southeast-3.myhuaweicloud.com/v3.0",
		"https://iam.example.com":                          "https://iam.example.com/v3.0",
		"https://iam.example.com/":                         "https://iam.example.com/v3.0",
		"https://proxy.example.com/iam/v3":                 "https://proxy.example.com/iam/v3.0",
	} {
		if got := v30(in); got != want {
			t.Errorf("v30(%q) = %q, want %q", in, got, want)
		}
	}
}
