package emulator

import (
	"cmp"
	"fmt"
	"math"
	"net/http"
	"time"
)

// Agency is an IAM agency that callers may assume: temporary credentials
// that act for the account DomainName (or DomainID) through agency Name.
// MaxDuration is the agency's longest session; 0 means 24 hours.
type Agency struct {
	DomainName, DomainID, Name string
	MaxDuration                time.Duration
}

// The range IAM allows duration_seconds, and its default.
const (
	minAssumeDuration     = 900 * time.Second
	maxAssumeDuration     = 86400 * time.Second
	defaultAssumeDuration = minAssumeDuration
)

// AddAgency lets callers assume a (replacing an agency of the same name in
// the same account).
func (s *Server) AddAgency(a Agency) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, old := range s.agencies {
		if old.Name == a.Name && old.DomainName == a.DomainName && old.DomainID == a.DomainID {
			s.agencies[i] = a
			return
		}
	}
	s.agencies = append(s.agencies, a)
}

// AgencyCredentialsIssued is the number of temporary credentials the
// agency endpoint has issued.
func (s *Server) AgencyCredentialsIssued() int64 { return s.agencyIssued.Load() }

// agency finds the agency name of the account named by domainName or
// domainID (whichever are given must match).
func (s *Server) agency(domainName, domainID, name string) (Agency, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.agencies {
		if a.Name == name && (domainName == "" || domainName == a.DomainName) && (domainID == "" || domainID == a.DomainID) {
			return a, true
		}
	}
	return Agency{}, false
}

// assumeRoleRequest is the body of POST /v3.0/OS-CREDENTIAL/securitytokens.
type assumeRoleRequest struct {
	Auth struct {
		Identity struct {
			Methods    []string `json:"methods"`
			AssumeRole *struct {
				AgencyName      string   `json:"agency_name"`
				DomainName      string   `json:"domain_name"`
				DomainID        string   `json:"domain_id"`
				DurationSeconds *float64 `json:"duration_seconds"`
			} `json:"assume_role"`
		} `json:"identity"`
	} `json:"auth"`
}

// serveAssumeRole issues an agency's temporary credentials, after the
// checks IAM makes: the caller, the body, the agency (403 whether it is
// missing or not allowed, as IAM cannot tell a caller which), the duration.
// It returns how the caller authenticated.
func (s *Server) serveAssumeRole(w http.ResponseWriter, r *http.Request) string {
	if notPOST(w, r) {
		return ""
	}
	auth, ok := s.iamCaller(w, r)
	if !ok || !checkIAMContentType(w, r) {
		return auth
	}
	var req assumeRoleRequest
	if !decodeIAMBody(w, r, &req) {
		return auth
	}
	id := req.Auth.Identity
	ar := id.AssumeRole
	bad := func(msg string) string {
		writeIAMError(w, http.StatusBadRequest, iamInvalidParameter, msg)
		return auth
	}
	switch {
	case len(id.Methods) != 1 || id.Methods[0] != "assume_role":
		return bad(`Request parameter auth.identity.methods is invalid: it must be ["assume_role"]`)
	case ar == nil:
		return bad("Request parameter auth.identity.assume_role is missing")
	case ar.AgencyName == "":
		return bad("Request parameter auth.identity.assume_role.agency_name is missing")
	case ar.DomainName == "" && ar.DomainID == "":
		return bad("Request parameter auth.identity.assume_role.domain_name is missing: name the account that owns the agency (domain_name or domain_id)")
	}
	duration := defaultAssumeDuration
	if ar.DurationSeconds != nil {
		seconds := *ar.DurationSeconds
		if seconds != math.Trunc(seconds) || seconds < minAssumeDuration.Seconds() || seconds > maxAssumeDuration.Seconds() {
			return bad(fmt.Sprintf("Request parameter duration_seconds is invalid: it must be a whole number of seconds from %d to %d",
				int(minAssumeDuration.Seconds()), int(maxAssumeDuration.Seconds())))
		}
		duration = time.Duration(seconds) * time.Second
	}

	domain := ar.DomainName
	if domain == "" {
		domain = ar.DomainID
	}
	agency, found := s.agency(ar.DomainName, ar.DomainID, ar.AgencyName)
	if !found {
		writeIAMError(w, http.StatusForbidden, iamForbidden, fmt.Sprintf(
			"Policy doesn't allow iam:agencies:assume to be performed: the caller may not assume agency %s of account %s "+
				"(it does not exist there, or no policy of the caller allows iam:agencies:assume on it)", ar.AgencyName, domain))
		return auth
	}
	if longest := cmp.Or(agency.MaxDuration, maxAssumeDuration); duration > longest {
		return bad(fmt.Sprintf("Request parameter duration_seconds is invalid: agency %s allows from %d to %d seconds",
			agency.Name, int(minAssumeDuration.Seconds()), int(longest.Seconds())))
	}

	key := s.newTemporaryKey(s.Now().Add(duration))
	s.agencyIssued.Add(1)
	writeJSON(w, http.StatusCreated, credentialJSON(key))
	return auth
}
