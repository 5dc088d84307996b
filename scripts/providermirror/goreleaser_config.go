package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// configCmd edits the release configuration as a YAML tree, so that every
// other setting (flags, ldflags, binary and archive names) stays the release's.
func configCmd(args []string) error {
	fs := flag.NewFlagSet("config", flag.ContinueOnError)
	version := fs.String("version", "", "snapshot version to build")
	dist := fs.String("dist", "", "goreleaser output directory")
	targets := fs.String("targets", "", "comma-separated os_arch targets")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := checkVersion(*version); err != nil {
		return err
	}
	if *dist == "" || *targets == "" {
		return errors.New("config needs -dist and -targets")
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(os.Stdin).Decode(&doc); err != nil {
		return fmt.Errorf("reading the goreleaser configuration: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return errors.New("the goreleaser configuration is not a YAML mapping")
	}
	root := doc.Content[0]
	builds := mapValue(root, "builds")
	if builds == nil || builds.Kind != yaml.SequenceNode || len(builds.Content) == 0 {
		return errors.New("the goreleaser configuration has no builds")
	}
	targetList := &yaml.Node{Kind: yaml.SequenceNode}
	for _, t := range strings.Split(*targets, ",") {
		targetList.Content = append(targetList.Content, scalar(t))
	}
	for _, b := range builds.Content {
		// goreleaser ignores these when targets is set, with a warning each.
		for _, k := range []string{"goos", "goarch", "goarm", "goamd64", "goarm64", "ignore"} {
			deleteKey(b, k)
		}
		setKey(b, "targets", targetList)
	}
	setKey(root, "dist", scalar(*dist))
	snapshot := &yaml.Node{Kind: yaml.MappingNode}
	setKey(snapshot, "version_template", scalar(*version))
	setKey(root, "snapshot", snapshot)
	enc := yaml.NewEncoder(os.Stdout)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return err
	}
	return enc.Close()
}

func scalar(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func mapValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func deleteKey(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
}

func setKey(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, scalar(key), v)
}
