package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// DefaultSharedConfigFile is where KooCLI (hcloud) keeps its profiles.
const DefaultSharedConfigFile = "~/.hcloud/config.json"

// Profile is one profile of a KooCLI configuration file, with the fields
// the provider reads (as Huawei Cloud's own provider names them).
type Profile struct {
	Name             string `json:"name"`
	Mode             string `json:"mode"`
	AccessKeyID      string `json:"accessKeyId"`
	SecretAccessKey  string `json:"secretAccessKey"`
	SecurityToken    string `json:"securityToken"`
	Region           string `json:"region"`
	ProjectID        string `json:"projectId"`
	DomainID         string `json:"domainId"`
	AgencyName       string `json:"agencyName"`
	AgencyDomainName string `json:"agencyDomainName"`
	AgencyDomainID   string `json:"agencyDomainId"`
}

// Credential is the profile's key pair.
func (p Profile) Credential() Credential {
	return Credential{Keys: KeyPair{AccessKey: p.AccessKeyID, SecretKey: p.SecretAccessKey, SecurityToken: p.SecurityToken}}
}

// ProfileError is a KooCLI configuration the provider cannot use. It is
// found before any request is sent.
type ProfileError struct {
	// Setting is the argument to look at: shared_config_file or profile.
	Setting string
	File    string
	// Profile is "" when the problem is the file's.
	Profile string
	Problem string
}

func (e *ProfileError) Error() string {
	if e.Profile == "" {
		return fmt.Sprintf("KooCLI configuration %s %s", e.File, e.Problem)
	}
	return fmt.Sprintf("profile %q of KooCLI configuration %s %s", e.Profile, e.File, e.Problem)
}

// plainKey matches an access key or secret key as IAM issues them; KooCLI's
// encrypted values do not look like one.
var plainKey = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// ReadProfile reads profile name (the file's current one when "") from the
// KooCLI configuration at file, with "~" standing for the home directory.
func ReadProfile(file, name string) (Profile, error) {
	path, err := expandHome(file)
	if err != nil {
		return Profile{}, &ProfileError{Setting: "shared_config_file", File: file, Problem: "cannot be found: " + err.Error()}
	}
	data, err := os.ReadFile(path) //nolint:gosec // The path is the user's own shared_config_file setting.
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Profile{}, &ProfileError{Setting: "shared_config_file", File: file,
			Problem: "does not exist: run `hcloud configure init` to write one, or point shared_config_file (HW_SHARED_CONFIG_FILE) at it"}
	case err != nil:
		return Profile{}, &ProfileError{Setting: "shared_config_file", File: file, Problem: "cannot be read: " + err.Error()}
	}
	var config struct {
		Current  string    `json:"current"`
		Profiles []Profile `json:"profiles"`
	}
	if err := json.Unmarshal(data, &config); err != nil {
		return Profile{}, &ProfileError{Setting: "shared_config_file", File: file, Problem: "is not KooCLI's JSON configuration: " + err.Error()}
	}
	if name == "" {
		name = config.Current
	}
	var names []string
	for _, p := range config.Profiles {
		if p.Name == name && name != "" {
			return p, p.usable(file)
		}
		names = append(names, fmt.Sprintf("%q", p.Name))
	}
	present := "it has no profiles"
	if len(names) > 0 {
		present = "its profiles are " + strings.Join(names, ", ")
	}
	if name == "" {
		return Profile{}, &ProfileError{Setting: "profile", File: file, Problem: "names no current profile (" + present + "): set profile (HW_PROFILE)"}
	}
	return Profile{}, &ProfileError{Setting: "profile", File: file, Profile: name, Problem: "does not exist: " + present}
}

// usable checks that the profile holds plain AK/SK credentials.
func (p Profile) usable(file string) error {
	fail := func(problem string) error {
		return &ProfileError{Setting: "profile", File: file, Profile: p.Name, Problem: problem}
	}
	switch {
	case p.Mode != "" && !strings.EqualFold(p.Mode, "AKSK"):
		return fail(fmt.Sprintf("has mode %q; the provider reads AKSK profiles only (on an ECS with an agency, remove "+
			"shared_config_file and profile: the provider then reads the ECS metadata service)", p.Mode))
	case p.AccessKeyID == "" || p.SecretAccessKey == "":
		return fail("has no accessKeyId or no secretAccessKey: set them with `hcloud configure set --cli-profile=" + p.Name +
			" --cli-access-key=... --cli-secret-key=...`")
	case !plainKey.MatchString(p.AccessKeyID) || !plainKey.MatchString(p.SecretAccessKey):
		return fail("holds encrypted keys, which only KooCLI can read. Run `hcloud configure set --cli-auth-encrypt=false`, " +
			"then set the profile's keys again so that KooCLI stores them in plain text (keep the file readable by you alone)")
	}
	return nil
}

// expandHome replaces a leading "~" with the home directory.
func expandHome(path string) (string, error) {
	if path != "~" && !strings.HasPrefix(path, "~/") {
		return path, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, strings.TrimPrefix(path, "~")), nil
}
