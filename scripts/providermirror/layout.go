package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/sumdb/dirhash"
)

// archive is one entry of {version}.json in the network mirror protocol.
type archive struct {
	URL    string   `json:"url"`
	Hashes []string `json:"hashes"`
}

func layoutCmd(args []string) error {
	fs := flag.NewFlagSet("layout", flag.ContinueOnError)
	version := fs.String("version", "", "version the zips were built as")
	from := fs.String("from", "", "goreleaser output directory holding the zips")
	to := fs.String("to", "", "mirror directory to write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := checkVersion(*version); err != nil {
		return err
	}
	hosts := fs.Args()
	if *from == "" || *to == "" || len(hosts) == 0 {
		return errors.New("layout needs -from, -to and at least one registry host")
	}
	prefix := project + "_" + *version + "_"
	zips, err := filepath.Glob(filepath.Join(*from, prefix+"*.zip"))
	if err != nil {
		return err
	}
	if len(zips) == 0 {
		return fmt.Errorf("no %s*.zip in %s", prefix, *from)
	}
	sort.Strings(zips)
	archives := map[string]archive{}
	for _, z := range zips {
		base := filepath.Base(z)
		platform := strings.TrimSuffix(strings.TrimPrefix(base, prefix), ".zip")
		// h1: is Terraform's hash of a provider package: the dirhash of the
		// zip's file names and contents, the same whatever the zip's encoding.
		h1, err := dirhash.HashZip(z, dirhash.Hash1)
		if err != nil {
			return fmt.Errorf("hashing %s: %w", base, err)
		}
		archives[platform] = archive{URL: base, Hashes: []string{h1}}
	}
	index, err := json.Marshal(map[string]any{"versions": map[string]any{*version: struct{}{}}})
	if err != nil {
		return err
	}
	versionJSON, err := json.Marshal(map[string]any{"archives": archives})
	if err != nil {
		return err
	}
	for _, host := range hosts {
		dir := filepath.Join(*to, host, namespace, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		for _, z := range zips {
			if err := copyFile(z, filepath.Join(dir, filepath.Base(z))); err != nil {
				return err
			}
		}
		if err := writeServed(filepath.Join(dir, "index.json"), append(index, '\n')); err != nil {
			return err
		}
		if err := writeServed(filepath.Join(dir, *version+".json"), append(versionJSON, '\n')); err != nil {
			return err
		}
	}
	return nil
}

// writeServed writes a file that a web server will serve: readable by all,
// like the zips beside it.
func writeServed(path string, data []byte) error {
	return os.WriteFile(path, data, 0o644) //nolint:gosec // a mirror's files are public by design
}

func copyFile(from, to string) (err error) {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, in.Close()) }()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, out.Close()) }()
	_, err = io.Copy(out, in)
	return err
}
