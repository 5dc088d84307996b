package emulator

import (
	"strings"
	"testing"
	"time"
)

// signClaims makes a token with any header and claims, signed with s's key,
// for the cases MintIDToken cannot make.
func signClaims(s *Server, header, claims string) string {
	signed := b64(header) + "." + b64(claims)
	return signed + "." + strings.TrimRight(b64(string(s.idTokenMAC(signed))), "=")
}

func TestVerifyIDTokenClaims(t *testing.T) {
	now := time.Date(2026, 12, 5, 21, 0, 0, 0, time.UTC)
	s := New()
	p := IdentityProvider{ID: "ci", Issuer: "https://issuer.example", ClientID: "client"}
	for _, tt := range []struct {
		name, header, claims, fragment string
	}{
		{"aud as an array", idTokenHeader, `{"iss":"https://issuer.example","aud":["other","client"],"exp":1796504700}`, ""},
		{"aud array without the client", idTokenHeader, `{"iss":"https://issuer.example","aud":["other"],"exp":1796504700}`, "audience"},
		{"alg none", `{"alg":"none","typ":"JWT"}`, `{"iss":"https://issuer.example","aud":"client","exp":1796504700}`, "signature"},
		{"no exp", idTokenHeader, `{"iss":"https://issuer.example","aud":"client"}`, "expired"},
		{"exp now", idTokenHeader, `{"iss":"https://issuer.example","aud":"client","exp":1796504400}`, "expired"},
		{"nbf in the future", idTokenHeader, `{"iss":"https://issuer.example","aud":"client","exp":1796504700,"nbf":1796504401}`, "not valid yet"},
		{"nbf now", idTokenHeader, `{"iss":"https://issuer.example","aud":"client","exp":1796504700,"nbf":1796504400}`, ""},
		{"claims not an object", idTokenHeader, `[1]`, "claims"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, failure := s.verifyIDToken(signClaims(s, tt.header, tt.claims), p, now)
			if tt.fragment == "" && failure != "" || !strings.Contains(failure, tt.fragment) {
				t.Errorf("failure %q, want one containing %q", failure, tt.fragment)
			}
		})
	}
}
