package auth

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/errorbody"
)

// exchangeSources builds each IAM exchange against the IAM at authURL.
func exchangeSources(t *testing.T, authURL string, client *http.Client, clock *fakeClock) map[string]Source {
	return map[string]Source{
		"password": NewPasswordSource(PasswordConfig{AuthURL: authURL, UserName: "alice", Password: testPassword,
			DomainName: "d", ProjectID: "p", Sender: Sender{HTTPClient: client}, Now: clock.Now}),
		"ID token": NewOIDCSource(OIDCConfig{AuthURL: authURL, IdpID: testIdpID, ProjectID: "p",
			IDToken: IDTokenValue(testJWT(t, clock.Now().Add(time.Hour))), Sender: Sender{HTTPClient: client}, Now: clock.Now}),
		"agency": NewAgencySource(AgencyConfig{AuthURL: authURL, AgencyName: "a", DomainName: "d", Duration: time.Hour,
			Sender: Sender{HTTPClient: &http.Client{Transport: &Transport{Credentials: Fixed(Credential{Token: "base-token"}), Base: client.Transport}}}}),
	}
}

func TestIAMRedirectsAreNotFollowed(t *testing.T) {
	clock := newFakeClock()
	elsewhere := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ []byte) {
		w.Header().Set("X-Subject-Token", "stolen")
		writeJSON(w, http.StatusCreated, map[string]any{})
	})
	redirecting := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ int, _ []byte) {
		http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusTemporaryRedirect)
	})
	// A client that follows redirects, as http.DefaultClient does: the
	// exchanges refuse them whatever the client says.
	client := &http.Client{Transport: redirecting.Client().Transport}
	for name, src := range exchangeSources(t, redirecting.URL+"/v3", client, clock) {
		t.Run(name, func(t *testing.T) {
			_, err := src.Retrieve(t.Context())
			redirect := asError[*errorbody.RedirectError](t, err)
			if redirect.StatusCode != http.StatusTemporaryRedirect {
				t.Errorf("status %d, want 307", redirect.StatusCode)
			}
			assertContains(t, "error", err.Error(), "307", elsewhere.URL, "auth_url")
			assertLacks(t, "error", err.Error(), testPassword, "base-token")
		})
	}
	if n := elsewhere.count(); n != 0 {
		t.Errorf("%d requests reached the redirect's target, want 0", n)
	}
	if client.CheckRedirect != nil {
		t.Error("the caller's client was changed")
	}
}

func TestIAMUnreachable(t *testing.T) {
	clock := newFakeClock()
	authURL := closedURL(t) + "/v3"
	wants := map[string]string{
		"password": "user_name and password were not refused",
		"ID token": "the ID token was not refused",
		"agency":   "assuming agency",
	}
	for name, src := range exchangeSources(t, authURL, http.DefaultClient, clock) {
		t.Run(name, func(t *testing.T) {
			_, err := src.Retrieve(t.Context())
			if err == nil {
				t.Fatal("Retrieve succeeded with nothing listening")
			}
			assertContains(t, "error", err.Error(), "no answer from", "auth_url", wants[name])
			var iamErr *IAMError
			if errors.As(err, &iamErr) {
				t.Errorf("an unreachable IAM is told as IAM's answer: %v", err)
			}
		})
	}
}

func TestIAMTroubleIsNotARefusal(t *testing.T) {
	clock := newFakeClock()
	busy := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ []byte) {
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"error_code": "APIGW.0308", "error_msg": "over ratelimit"})
	})
	wants := map[string]string{
		"password": "not a refusal of user_name or password",
		"ID token": "not a refusal of the ID token",
		"agency":   "not a refusal of the agency or the credentials beneath it",
	}
	for name, src := range exchangeSources(t, busy.URL+"/v3", busy.Client(), clock) {
		t.Run(name, func(t *testing.T) {
			cache := NewCache(src, clock.Now)
			err := mustFail(t, cache)
			iamErr := asError[*IAMError](t, err)
			if !iamErr.Transient() || iamErr.Lasting() {
				t.Errorf("a 429 is not transient: %+v", iamErr)
			}
			assertContains(t, "error", err.Error(), "IAM could not", "429", "APIGW.0308", "trouble at IAM", wants[name])
			_ = mustFail(t, cache)
		})
	}
	if n := busy.count(); n != 6 {
		t.Errorf("%d requests for two reads of three exchanges, want 6: trouble is not remembered", n)
	}
}

func TestIAMExchangeSendsThroughDo(t *testing.T) {
	clock := newFakeClock()
	var sent int
	do := func(hc *http.Client, req *http.Request) (*http.Response, error) {
		sent++
		if hc.CheckRedirect == nil {
			t.Error("Do was given a client that follows redirects")
		}
		return nil, context.DeadlineExceeded
	}
	src := NewPasswordSource(PasswordConfig{AuthURL: "http://iam.invalid/v3", UserName: "u", Password: "p", DomainName: "d",
		ProjectID: "p", Sender: Sender{Do: do}, Now: clock.Now})
	if _, err := src.Retrieve(t.Context()); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v, want Do's", err)
	}
	if sent != 1 {
		t.Errorf("Do called %d times, want 1", sent)
	}
}
