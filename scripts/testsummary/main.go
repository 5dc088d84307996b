// Command testsummary reads `go test -json` on stdin, prints what a plain
// `go test` would (package results, and the output of failed tests), and
// appends one line to a summary file: the CLI the run used, and how many
// top-level tests passed, were skipped and failed. `make test` prints that
// file last, so a reader sees at a glance what ran where.
//
// Usage: go test -json ./... | go run ./scripts/testsummary -label "terraform 1.16.0" -out FILE
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// event is one line of `go test -json` (see `go doc test2json`).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

type counts struct{ passed, skipped, failed int }

func main() {
	label := flag.String("label", "go test", "what the run used, e.g. the CLI and its version")
	out := flag.String("out", "", "file to append the summary line to (stdout only if empty)")
	flag.Parse()

	c, err := filter(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(1)
	}
	line := fmt.Sprintf("%-34s %d passed, %d failed, %d skipped", *label+":", c.passed, c.failed, c.skipped)
	fmt.Println(line)
	if *out != "" {
		f, err := os.OpenFile(*out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err == nil {
			_, err = fmt.Fprintln(f, line)
			err = joinClose(err, f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "testsummary:", err)
			os.Exit(1)
		}
	}
}

// filter echoes the lines a non-verbose `go test` prints and counts the
// top-level tests. A failed test's output is held until it fails, so that
// passing tests stay quiet.
func filter(in io.Reader, w io.Writer) (counts, error) {
	var c counts
	held := map[string]*strings.Builder{} // by package and test
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			// Not JSON: a build error printed before the run. Pass it on.
			fmt.Fprintln(w, sc.Text())
			continue
		}
		// A subtest's output belongs to its top-level test.
		top, _, isSub := strings.Cut(e.Test, "/")
		key := e.Package + " " + top
		switch {
		case e.Action == "build-output":
			fmt.Fprint(w, e.Output)
		case e.Test == "" && e.Action == "output":
			// Package-level lines: "ok  pkg 1.2s", "FAIL", build errors.
			if !strings.HasPrefix(e.Output, "=== ") && e.Output != "PASS\n" {
				fmt.Fprint(w, e.Output)
			}
		case e.Action == "output":
			b := held[key]
			if b == nil {
				b = &strings.Builder{}
				held[key] = b
			}
			b.WriteString(e.Output)
		case e.Test != "" && !isSub && (e.Action == "pass" || e.Action == "skip" || e.Action == "fail"):
			if e.Action == "fail" && held[key] != nil {
				fmt.Fprint(w, held[key].String())
			}
			delete(held, key)
			switch e.Action {
			case "pass":
				c.passed++
			case "skip":
				c.skipped++
			case "fail":
				c.failed++
			}
		}
	}
	// Tests still held never ended: the binary crashed or timed out; show them.
	keys := make([]string, 0, len(held))
	for k := range held {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprint(w, held[k].String())
	}
	return c, sc.Err()
}

func joinClose(err error, f *os.File) error {
	if cerr := f.Close(); err == nil {
		return cerr
	}
	return err
}
