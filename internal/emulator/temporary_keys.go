package emulator

import (
	"crypto/rand"
	"encoding/base64"
	"time"
)

// newTemporaryKey makes a random temporary AK/SK with its security token,
// valid until expires, and accepts it from now on. The expiry is kept to
// the microsecond, as expires_at writes it, so that client and emulator
// agree on the instant it ends.
func (s *Server) newTemporaryKey(expires time.Time) AccessKey {
	k := AccessKey{
		AccessKey:     rand.Text()[:20],
		SecretKey:     (rand.Text() + rand.Text())[:40],
		SecurityToken: "gQ" + base64.RawURLEncoding.EncodeToString(randomBytes(96)),
		Expires:       expires.UTC().Truncate(time.Microsecond),
	}
	s.AddAccessKey(k)
	return k
}

// credentialJSON is how IAM (agencies) and ECS (metadata) answer with
// temporary credentials.
func credentialJSON(k AccessKey) map[string]any {
	return map[string]any{"credential": map[string]any{
		"access":        k.AccessKey,
		"secret":        k.SecretKey,
		"securitytoken": k.SecurityToken,
		"expires_at":    k.Expires.Format(iamTimeLayout),
	}}
}
