// Command servicestage-emulator serves the fake ServiceStage and IAM on a
// loopback port, seeded with the demo's credentials and release tasks.
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
	"syscall"
	"time"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on (loopback by default)")
	urlFile := flag.String("url-file", "", "write the base URL to this file once listening")
	statsFile := flag.String("stats-file", "", "write request, connection and IAM token counts to this file (JSON) at shutdown")
	large := flag.Int("large-task-components", 0, "also serve release task "+largeTask+" with this many components (for benchmarks)")
	pipelines := flag.Int("pipelines", 0, "also serve this many finished new-edition release tasks in the demo project (for benchmarks)")
	flag.Parse()
	if err := run(*listen, *urlFile, *statsFile, *large, *pipelines); err != nil {
		log.Fatal(err)
	}
}

func run(listen, urlFile, statsFile string, largeTaskComponents, pipelines int) error {
	srv := emulator.New()
	srv.SeedDemo(time.Now())
	if largeTaskComponents > 0 {
		addLargeTask(srv, largeTaskComponents)
	}
	srv.AddPipelines(emulator.DemoProject, pipelines)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", listen)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", listen, err)
	}
	url := "http://" + ln.Addr().String()
	httpSrv := &http.Server{Handler: srv, ConnState: srv.ConnState(), ReadHeaderTimeout: 10 * time.Second}

	fmt.Printf("ServiceStage emulator at %s (IAM at %s/v3)\n", url, url)
	// The credentials are fakes that only this emulator knows: all of them are
	// printed, secret key included, so that each way of authenticating can be tried.
	fmt.Printf("  project %s\n", emulator.DemoProject)
	fmt.Printf("  token %q, or AK %s with SK %s, or user %s/%s in domain %s\n",
		emulator.DemoToken, emulator.DemoAccessKey, emulator.DemoSecretKey, emulator.DemoUser, emulator.DemoPassword, emulator.DemoDomain)
	fmt.Println("  serves GET /v3/{project}/cas/release-plans, .../release-plans/{id} and .../release-plans/{id}/deploy-info")
	fmt.Println("  release tasks:")
	for _, t := range [][3]string{
		{emulator.DemoFinishedTask, emulator.DemoFinishedTaskName, "finished"},
		{emulator.DemoFailedTask, emulator.DemoFailedTaskName, "failed, rolled back"},
		{emulator.DemoReleasingTask, emulator.DemoReleasingTaskName, "releasing for " + emulator.DemoReleaseDuration.String()},
		{emulator.DemoDraftTask, emulator.DemoDraftTaskName, "never executed"},
		{emulator.ExampleTaskID, emulator.ExampleTaskName, "API example"},
	} {
		fmt.Printf("    %s %q (%s)\n", t[0], t[1], t[2])
	}
	fmt.Println("  new-edition release tasks (GET /v3/{project}/pipeline/pipelines, .../pipelines/{id}; POST .../pipelines/{id}/action?action_id=start):")
	for _, t := range [][3]string{
		{emulator.DemoPipelineFinished, emulator.DemoPipelineFinishedName, "succeeded"},
		{emulator.DemoPipelineReleasing, emulator.DemoPipelineReleasingName, "running; succeeds after a few list reads"},
		{emulator.DemoPipelineDraft, emulator.DemoPipelineDraftName, "never run"},
	} {
		fmt.Printf("    %s %q (%s)\n", t[0], t[1], t[2])
	}
	if urlFile != "" {
		// Written only now, so a script waiting for the file can connect at once.
		if err := os.WriteFile(urlFile, []byte(url+"\n"), 0o600); err != nil {
			return fmt.Errorf("writing -url-file: %w", err)
		}
	}

	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := httpSrv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Printf("served %d requests on %d connections, issued %d IAM tokens\n",
		len(srv.Requests()), srv.Connections(), srv.TokensIssued())
	if statsFile != "" {
		return writeStats(statsFile, srv)
	}
	return nil
}

// writeStats records what scripts/bench.sh reports: how many requests the
// provider made, on how many TCP connections, with how many IAM logins.
func writeStats(file string, srv *emulator.Server) error {
	stats, err := json.Marshal(map[string]int64{
		"requests":      int64(len(srv.Requests())),
		"connections":   srv.Connections(),
		"tokens_issued": srv.TokensIssued(),
		// The new edition's list, which servicestage_pipeline reads share.
		"pipeline_list_requests": int64(srv.PipelineListReads(emulator.DemoProject)),
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
