package emulator

import (
	"cmp"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"
)

// Metadata is how an ECS instance's metadata service behaves.
type Metadata struct {
	// Agency says the instance has an agency, so securitykey answers
	// temporary credentials; without one it refuses.
	Agency bool
	// TokenPUTStatus, when set (404 or 405), is what the session-token PUT
	// answers: an older service that has metadata v1 only, whose GET needs
	// no token. Zero is v2, where the GET needs one.
	TokenPUTStatus int
	// Lifetime is each credential's; 0 means ECS's hour.
	Lifetime time.Duration
}

const (
	metadataTokenPath       = "/meta-data/latest/api/token"
	metadataSecurityKeyPath = "/openstack/latest/securitykey"
	metadataMaxTokenTTL     = 21600 // seconds, as ECS allows
	defaultMetadataLifetime = time.Hour
	// ECS hands out the next credential this long before the current one
	// expires; both are valid meanwhile.
	metadataRotateAhead = 10 * time.Minute
	// metadataNoAgency is ECS's answer where the instance has no agency.
	metadataNoAgency = "Please configure Cloud Service Agency first"
)

// metadataService is one instance's metadata service: its sessions and the
// credential it hands out now.
type metadataService struct {
	s        *Server
	m        Metadata
	mu       sync.Mutex
	sessions map[string]time.Time // session token → expiry
	current  AccessKey
}

// StartMetadata serves an ECS metadata service as m says, over plain HTTP
// on a loopback listener of its own. Close it when done.
func (s *Server) StartMetadata(m Metadata) *httptest.Server {
	return httptest.NewServer(s.MetadataHandler(m))
}

// MetadataHandler is StartMetadata's service, for a server built elsewhere
// (the emulator command). Its requests are recorded with ListenerMetadata.
func (s *Server) MetadataHandler(m Metadata) http.Handler {
	ms := &metadataService{s: s, m: m, sessions: map[string]time.Time{}}
	return s.recorded(ListenerMetadata, ms.serve)
}

// MetadataCredentialsIssued is the number of temporary credentials the
// metadata services have handed out (a credential handed out again before
// its rotation is not counted again).
func (s *Server) MetadataCredentialsIssued() int64 { return s.metadataIssued.Load() }

func (ms *metadataService) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == metadataTokenPath && r.Method == http.MethodPut:
		ms.serveToken(w, r)
	case r.URL.Path == metadataSecurityKeyPath && r.Method == http.MethodGet:
		ms.serveSecurityKey(w, r)
	case r.URL.Path == metadataTokenPath || r.URL.Path == metadataSecurityKeyPath:
		metadataText(w, http.StatusMethodNotAllowed, "405 Method Not Allowed")
	default:
		metadataText(w, http.StatusNotFound, "404 Not Found")
	}
}

// serveToken answers PUT .../api/token with a session token valid for the
// seconds X-Metadata-Token-Ttl-Seconds asks, or as an older service does.
func (ms *metadataService) serveToken(w http.ResponseWriter, r *http.Request) {
	if ms.m.TokenPUTStatus != 0 {
		metadataText(w, ms.m.TokenPUTStatus, strconv.Itoa(ms.m.TokenPUTStatus)+" "+http.StatusText(ms.m.TokenPUTStatus))
		return
	}
	ttl, err := strconv.Atoi(r.Header.Get("X-Metadata-Token-Ttl-Seconds"))
	if err != nil || ttl < 1 || ttl > metadataMaxTokenTTL {
		metadataText(w, http.StatusBadRequest,
			"400 Bad Request: X-Metadata-Token-Ttl-Seconds must be a whole number of seconds from 1 to "+strconv.Itoa(metadataMaxTokenTTL))
		return
	}
	token := base64.RawURLEncoding.EncodeToString(randomBytes(32))
	ms.mu.Lock()
	ms.sessions[token] = ms.s.Now().Add(time.Duration(ttl) * time.Second)
	ms.mu.Unlock()
	metadataText(w, http.StatusOK, token)
}

// serveSecurityKey answers GET .../securitykey: in v2 only with a live
// session token, then only where the instance has an agency.
func (ms *metadataService) serveSecurityKey(w http.ResponseWriter, r *http.Request) {
	now := ms.s.Now()
	if ms.m.TokenPUTStatus == 0 {
		ms.mu.Lock()
		expires, ok := ms.sessions[r.Header.Get("X-Metadata-Token")]
		ms.mu.Unlock()
		if !ok || !now.Before(expires) {
			metadataText(w, http.StatusUnauthorized,
				"401 Unauthorized: X-Metadata-Token is missing, invalid or expired; PUT "+metadataTokenPath+" for a new one")
			return
		}
	}
	if !ms.m.Agency {
		// As ECS answers (Huawei's SDKs tell it from a bad session token by
		// this text): the instance has no agency to act as.
		metadataText(w, http.StatusUnauthorized, "401 Unauthorized: "+metadataNoAgency)
		return
	}
	writeJSON(w, http.StatusOK, credentialJSON(ms.credential(now)))
}

// credential is the one handed out now: the current one until
// metadataRotateAhead before it expires, then a new one.
func (ms *metadataService) credential(now time.Time) AccessKey {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if ms.current.AccessKey == "" || !now.Before(ms.current.Expires.Add(-metadataRotateAhead)) {
		ms.current = ms.s.newTemporaryKey(now.Add(cmp.Or(ms.m.Lifetime, defaultMetadataLifetime)))
		ms.s.metadataIssued.Add(1)
	}
	return ms.current
}

// metadataText answers as the metadata service does, in plain text.
func metadataText(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
