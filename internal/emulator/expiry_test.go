package emulator_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

// A temporary key is accepted until its Expires and refused from then on
// with the gateway's 401, which never shows its secret or token.
func TestTemporaryKeyExpires(t *testing.T) {
	srv, clock, base := startClocked(t)
	temp := keyPair{AccessKey: tempKey, SecretKey: tempSecret, SecurityToken: tempSecToken}
	srv.AddAccessKey(emulator.AccessKey{AccessKey: tempKey, SecretKey: tempSecret, SecurityToken: tempSecToken,
		Expires: clock.Now().Add(10 * time.Minute)})
	permanent := keyPair{AccessKey: accessKey, SecretKey: secretKey}

	clock.advance(10*time.Minute - time.Second)
	wantOK(t, do(t, signedAt(clock, temp), deployInfo(t, base)))

	clock.advance(time.Second)
	a := do(t, signedAt(clock, temp), deployInfo(t, base))
	wantRejected(t, a, "security token has expired")
	wantNoneOf(t, "expired key", a.body, tempSecret, tempSecToken)

	// A key without Expires never expires.
	clock.advance(365 * 24 * time.Hour)
	wantOK(t, do(t, signedAt(clock, permanent), deployInfo(t, base)))
}

// An expired key that also lacks its token is refused for the token: the
// expiry is only told to a caller who holds the whole credential.
func TestExpiredKeyWithoutItsToken(t *testing.T) {
	srv, clock, base := startClocked(t)
	srv.AddAccessKey(emulator.AccessKey{AccessKey: tempKey, SecretKey: tempSecret, SecurityToken: tempSecToken,
		Expires: clock.Now()})
	wantRejected(t, do(t, signedAt(clock, keyPair{AccessKey: tempKey, SecretKey: tempSecret}), deployInfo(t, base)),
		"security token is missing or invalid")
}

// Password tokens live TokenLifetime, 24 hours when it is unset, on the
// emulator's clock.
func TestTokenLifetime(t *testing.T) {
	for _, tt := range []struct {
		name     string
		lifetime time.Duration
		want     time.Duration
	}{
		{"default", 0, 24 * time.Hour},
		{"set", 90 * time.Minute, 90 * time.Minute},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, clock, base := startClocked(t)
			srv.TokenLifetime = tt.lifetime
			a := iamLogin(t, base, userName, password, project, "")
			issued := a.header.Get("X-Subject-Token")
			if a.status != http.StatusCreated {
				t.Fatalf("login: HTTP %d %s", a.status, a.body)
			}
			wantExpiresAt(t, a.body, clock.Now().Add(tt.want))
			clock.advance(tt.want - time.Second)
			wantOK(t, do(t, http.DefaultTransport, withToken(t, base, issued)))
			clock.advance(time.Second)
			wantRejected(t, do(t, http.DefaultTransport, withToken(t, base, issued)), "token expires")
		})
	}
}

// Requests on the main listener record it and a copy of their headers.
func TestRequestRecordsListenerAndHeaders(t *testing.T) {
	srv, base := start(t)
	wantOK(t, do(t, http.DefaultTransport, withToken(t, base, token)))
	r := lastAuth(t, srv)
	if r.Listener != emulator.ListenerServiceStage || r.Header.Get("X-Auth-Token") != token || r.Header.Get("User-Agent") != userAgent {
		t.Errorf("recorded listener %q and headers %v, want %q with the request's headers", r.Listener, r.Header, emulator.ListenerServiceStage)
	}
	r.Header.Set("X-Auth-Token", "changed")
	if got := lastAuth(t, srv).Header.Get("X-Auth-Token"); got != token {
		t.Errorf("changing a returned Request changed the record: %q", got)
	}
}
