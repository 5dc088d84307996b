package emulator

// ID tokens are compact JWTs signed with HS256 under a key only this
// Server holds, so the emulator can mint tokens as a CI's issuer would and
// tell them from any it did not mint. Their checks are those IAM makes of
// an OpenID Connect ID token: signature, issuer, audience, time.

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// idTokenHeader is the JOSE header of every token MintIDToken makes.
const idTokenHeader = `{"alg":"HS256","typ":"JWT"}`

// MintIDToken returns an ID token from issuer for audience about subject,
// valid from s.Now() for lifetime.
func (s *Server) MintIDToken(issuer, audience, subject string, lifetime time.Duration) string {
	now := s.Now().Unix()
	claims := mustMarshal(map[string]any{
		"iss": issuer, "aud": audience, "sub": subject,
		"iat": now, "nbf": now, "exp": now + int64(lifetime/time.Second),
	})
	signed := b64(idTokenHeader) + "." + b64(string(claims))
	return signed + "." + base64.RawURLEncoding.EncodeToString(s.idTokenMAC(signed))
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func (s *Server) idTokenMAC(signed string) []byte {
	mac := hmac.New(sha256.New, s.idTokenKey)
	mac.Write([]byte(signed))
	return mac.Sum(nil)
}

// idTokenClaims are the claims IAM reads; aud may be a string or an array.
type idTokenClaims struct {
	Iss string   `json:"iss"`
	Aud audience `json:"aud"`
	Sub string   `json:"sub"`
	Nbf *float64 `json:"nbf"`
	Exp *float64 `json:"exp"`
}

type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte("[")) {
		return json.Unmarshal(b, (*[]string)(a))
	}
	var one string
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	*a = audience{one}
	return nil
}

// verifyIDToken checks token for identity provider p at now. On failure it
// returns the check that failed, in words that never quote the token.
func (s *Server) verifyIDToken(token string, p IdentityProvider, now time.Time) (idTokenClaims, string) {
	var claims idTokenClaims
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return claims, "The ID token is not a JWT: it must be three base64url parts separated by dots"
	}
	header, herr := base64.RawURLEncoding.DecodeString(parts[0])
	payload, perr := base64.RawURLEncoding.DecodeString(parts[1])
	sig, serr := base64.RawURLEncoding.DecodeString(parts[2])
	if herr != nil || perr != nil || serr != nil {
		return claims, "The ID token is not a JWT: its parts are not base64url"
	}
	var jose struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(header, &jose) != nil || jose.Alg != "HS256" ||
		!hmac.Equal(sig, s.idTokenMAC(parts[0]+"."+parts[1])) {
		return claims, "The ID token's signature is not valid: it was not signed by identity provider " + p.ID + "'s issuer"
	}
	if json.Unmarshal(payload, &claims) != nil {
		return claims, "The ID token's claims are not a valid JSON object"
	}
	at := float64(now.Unix())
	switch {
	case claims.Iss != p.Issuer:
		return claims, "The ID token's issuer (iss) is not identity provider " + p.ID + "'s issuer " + p.Issuer
	case !slices.Contains(claims.Aud, p.ClientID):
		return claims, "The ID token's audience (aud) does not include identity provider " + p.ID + "'s client ID " + p.ClientID +
			": request the token for that audience"
	case claims.Exp == nil || !(at < *claims.Exp):
		return claims, "The ID token has expired (exp): get a new one"
	case claims.Nbf != nil && *claims.Nbf > at:
		return claims, "The ID token is not valid yet (nbf)"
	}
	return claims, ""
}
