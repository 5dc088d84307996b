// Command servicestage-emulator serves the fake ServiceStage and IAM on a
// loopback port, and an ECS metadata service on another, seeded with the
// demo's credentials and release tasks.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

// options are the command's flags.
type options struct {
	listen, urlFile, statsFile     string
	metadataURLFile, idTokenFile   string
	largeTaskComponents, pipelines int
}

func main() {
	var o options
	flag.StringVar(&o.listen, "listen", "127.0.0.1:0", "address to listen on (loopback by default)")
	flag.StringVar(&o.urlFile, "url-file", "", "write the base URL to this file once listening")
	flag.StringVar(&o.statsFile, "stats-file", "", "write request, connection, IAM token and temporary-credential counts to this file (JSON) at shutdown")
	flag.StringVar(&o.metadataURLFile, "metadata-url-file", "", "write the ECS metadata service's URL (for HW_METADATA_ENDPOINT) to this file once listening")
	flag.StringVar(&o.idTokenFile, "id-token-file", "", "write an ID token for the demo identity provider to this file (valid 1h, rewritten every 30m)")
	flag.IntVar(&o.largeTaskComponents, "large-task-components", 0, "also serve release task "+largeTask+" with this many components (for benchmarks)")
	flag.IntVar(&o.pipelines, "pipelines", 0, "also serve this many finished new-edition release tasks in the demo project (for benchmarks)")
	flag.Parse()
	if err := run(o); err != nil {
		log.Fatal(err)
	}
}

func run(o options) error {
	srv := emulator.New()
	srv.SeedDemo(time.Now())
	if o.largeTaskComponents > 0 {
		addLargeTask(srv, o.largeTaskComponents)
	}
	srv.AddPipelines(emulator.DemoProject, o.pipelines)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", o.listen)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", o.listen, err)
	}
	// The metadata service is another host on an ECS; here it is a second
	// loopback port, whatever -listen says, as it hands out credentials.
	metaLn, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listening for the metadata service: %w", err)
	}
	url := "http://" + ln.Addr().String()
	metadataURL := "http://" + metaLn.Addr().String()
	httpSrv := &http.Server{Handler: srv, ConnState: srv.ConnState(), ReadHeaderTimeout: 10 * time.Second}
	metaSrv := &http.Server{Handler: srv.MetadataHandler(emulator.Metadata{Agency: true}), ReadHeaderTimeout: 10 * time.Second}

	if o.idTokenFile != "" {
		if err := writeIDToken(srv, o.idTokenFile); err != nil {
			return err
		}
		go rewriteIDToken(ctx, srv, o.idTokenFile)
	}
	printBanner(url, metadataURL, o.idTokenFile)
	if o.metadataURLFile != "" {
		if err := os.WriteFile(o.metadataURLFile, []byte(metadataURL+"\n"), 0o600); err != nil {
			return fmt.Errorf("writing -metadata-url-file: %w", err)
		}
	}
	if o.urlFile != "" {
		// Written only now, and last, so a script waiting for the file can
		// connect at once and find the other files in place.
		if err := os.WriteFile(o.urlFile, []byte(url+"\n"), 0o600); err != nil {
			return fmt.Errorf("writing -url-file: %w", err)
		}
	}

	errc := make(chan error, 2)
	go func() { errc <- httpSrv.Serve(ln) }()
	go func() { errc <- metaSrv.Serve(metaLn) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, s := range []*http.Server{httpSrv, metaSrv} {
		if err := s.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	fmt.Printf("served %d requests on %d connections, issued %d IAM tokens\n",
		len(srv.Requests()), srv.Connections(), srv.TokensIssued())
	fmt.Printf("issued %d agency and %d metadata credentials, exchanged %d ID tokens\n",
		srv.AgencyCredentialsIssued(), srv.MetadataCredentialsIssued(), srv.IDTokenExchanges())
	if o.statsFile != "" {
		return writeStats(o.statsFile, srv)
	}
	return nil
}

// idTokenLifetime is how long -id-token-file's tokens live; the file is
// rewritten at half that, as a kubelet rewrites a projected token, so a
// long demo never reads an expired one.
const idTokenLifetime = time.Hour

func writeIDToken(srv *emulator.Server, file string) error {
	token := srv.MintIDToken(emulator.DemoIdpIssuer, emulator.DemoIdpClientID, emulator.ActionsSubject, idTokenLifetime)
	if err := os.WriteFile(file, []byte(token+"\n"), 0o600); err != nil {
		return fmt.Errorf("writing -id-token-file: %w", err)
	}
	return nil
}

func rewriteIDToken(ctx context.Context, srv *emulator.Server, file string) {
	tick := time.NewTicker(idTokenLifetime / 2)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := writeIDToken(srv, file); err != nil {
				log.Print(err)
			}
		}
	}
}

// writeStats records what scripts/bench.sh reports: how many requests the
// provider made, on how many TCP connections, with how many IAM logins,
// and the temporary credentials it obtained.
func writeStats(file string, srv *emulator.Server) error {
	var metadataRequests, iamRequests int64
	for _, r := range srv.Requests() {
		switch {
		case r.Listener == emulator.ListenerMetadata:
			metadataRequests++
		case r.Listener == emulator.ListenerServiceStage && (r.Path == "/v3/auth/tokens" || strings.HasPrefix(r.Path, "/v3.0/")):
			iamRequests++
		}
	}
	stats, err := json.Marshal(map[string]int64{
		"requests":      int64(len(srv.Requests())),
		"connections":   srv.Connections(),
		"tokens_issued": srv.TokensIssued(),
		// The new edition's list, which servicestage_pipeline reads share.
		"pipeline_list_requests":      int64(srv.PipelineListReads(emulator.DemoProject)),
		"agency_credentials_issued":   srv.AgencyCredentialsIssued(),
		"id_token_exchanges":          srv.IDTokenExchanges(),
		"metadata_credentials_issued": srv.MetadataCredentialsIssued(),
		"metadata_requests":           metadataRequests,
		"iam_requests":                iamRequests,
	})
	if err != nil {
		return err
	}
	if err := os.WriteFile(file, append(stats, '\n'), 0o600); err != nil {
		return fmt.Errorf("writing -stats-file: %w", err)
	}
	return nil
}

// largeTask is the release task -large-task-components adds.
const largeTask = "b0a1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d"

// addLargeTask adds largeTask with n finished components, each with every
// field set as a real deployment has them.
func addLargeTask(srv *emulator.Server, n int) {
	start := time.Now().Add(-time.Hour).Truncate(time.Second)
	components := make([]emulator.Component, n)
	for i := range components {
		at := start.Add(time.Duration(i) * time.Second)
		components[i] = emulator.Component{
			ID: fmt.Sprintf("5b0f6a1e-3c2d-4e8f-9a7b-%012d", i), Name: fmt.Sprintf("service-%04d", i),
			Version: "2026.1127.0930", Seq: int64(i%3 + 1), Status: "SUCCESS",
			JobID: fmt.Sprintf("JOB5b0f6a1e-%06d", i), JobStatus: "SUCCEEDED", StartTime: at, EndTime: at.Add(42 * time.Second),
		}
	}
	srv.AddTask(emulator.DemoProject, largeTask, emulator.Step{Body: emulator.DeployInfoJSON(largeTask, components...)})
}
