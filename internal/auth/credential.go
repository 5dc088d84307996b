package auth

import (
	"context"
	"time"
)

// Credential is what authenticates one request: an IAM token, sent as
// X-Auth-Token, or else an access key pair that signs it.
type Credential struct {
	Token string
	Keys  KeyPair
	// ExpiresAt is when the credential stops working; zero when nobody
	// said (a token or key the user gave), and it is then never renewed.
	ExpiresAt time.Time
	// ProjectID is the project IAM scoped a token to, when it said.
	ProjectID string
}

// same reports whether c and other are one credential, for Invalidate.
func (c Credential) same(other Credential) bool {
	return c.Token == other.Token && c.Keys == other.Keys
}

// Source obtains a credential: it reads one the user gave, or exchanges
// one at IAM or the ECS metadata service. A Cache calls it, once per
// credential lifetime, and only a Cache should.
type Source interface {
	Retrieve(ctx context.Context) (Credential, error)
}

// Provider hands out the credential for a request about to be sent; a
// *Cache is one. Invalidate reports that the service refused cred, so that
// the next request gets another one if there is one.
type Provider interface {
	Credential(ctx context.Context) (Credential, error)
	Invalidate(cred Credential)
}

// fixed is a credential the user gave: nothing to renew.
type fixed Credential

// Fixed returns a Provider that always hands out c.
func Fixed(c Credential) Provider { return fixed(c) }

func (f fixed) Credential(context.Context) (Credential, error) { return Credential(f), nil }

func (fixed) Invalidate(Credential) {}
