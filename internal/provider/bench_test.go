package provider

// Benchmarks of the read path against its floor (issue 7). Run with
//
//	go test -run '^$' -bench . -benchmem -count 6 ./internal/provider/ | tee new.txt
//
// and compare runs with benchstat; BENCHMARKS.md has the figures and the
// end-to-end benchmark (scripts/bench.sh). They need no TF_ACC and no
// terraform binary: the emulator runs in-process on a loopback port.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/auth"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/typedstate"
)

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds cpu-ns/op, the process's CPU time per operation since
// start: unlike ns/op it hardly moves when other work shares the machine.
// For the HTTP benchmarks it includes the in-process emulator's share.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

// benchComponentCount is the size of a realistic release: a handful of
// microservices released together.
const benchComponentCount = 5

// benchComponents returns n components shaped like the API's: a mix of
// deployed, failed-and-rolled-back and still-running ones, so every
// attribute (nulls included) is exercised.
func benchComponents(n int) []emulator.Component {
	start := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	out := make([]emulator.Component, n)
	for i := range out {
		c := emulator.Component{
			ID:        fmt.Sprintf("5b0f6a1e-3c2d-4e8f-9a7b-%012d", i),
			Name:      fmt.Sprintf("service-%04d", i),
			Version:   "2026.1127.0930",
			Seq:       int64(i%3 + 1),
			Status:    "SUCCESS",
			JobID:     fmt.Sprintf("JOB5b0f6a1e-%06d", i),
			JobStatus: "SUCCEEDED",
			StartTime: start.Add(time.Duration(i) * time.Second),
			EndTime:   start.Add(time.Duration(i)*time.Second + 42*time.Second),
		}
		switch i % 5 {
		case 3: // failed and rolled back
			c.Status, c.JobStatus = "ROLLBACK_SUCCEED", "FAILED"
			c.FailMessage = "health check of instance " + c.Name + "-7f9c-2 failed: readiness probe timed out"
			c.RollbackJobID, c.RollbackJobStatus = c.JobID+"-rb", "SUCCEEDED"
			c.RollbackStartTime, c.RollbackEndTime = c.EndTime.Add(time.Second), c.EndTime.Add(20*time.Second)
		case 4: // still running
			c.Status, c.JobStatus, c.EndTime = "RUNNING", "RUNNING", time.Time{}
		}
		out[i] = c
	}
	return out
}

// benchTask is the release task every read benchmark reads.
const benchTask = "3f1c9a52-7b4e-4d2a-9c61-0e8d5b7a2f14"

// startBenchEmulator serves a deploy-info body of benchComponentCount
// components to every test credential. It returns the emulator and its URL.
func startBenchEmulator(b *testing.B) (*emulator.Server, string) {
	b.Helper()
	return startBenchEmulatorWith(b, benchComponentCount)
}

// startBenchEmulatorWith is startBenchEmulator with a task of n components.
func startBenchEmulatorWith(b *testing.B, n int) (*emulator.Server, string) {
	b.Helper()
	srv := emulator.New()
	srv.AddProject(testProject)
	srv.AddToken(testToken, testProject, time.Now().Add(24*time.Hour))
	srv.AddAccessKey(emulator.AccessKey{AccessKey: testAccessKey, SecretKey: testSecretKey})
	srv.AddUser(emulator.User{Name: testUser, Password: testPassword, Domain: testDomain})
	body := emulator.DeployInfoJSON(benchTask, benchComponents(n)...)
	srv.AddTask(testProject, benchTask, emulator.Step{Body: body})
	ts := srv.Start()
	b.Cleanup(ts.Close)
	return srv, ts.URL
}

// BenchmarkFloorGetDecodeMap is the floor of a read: one keep-alive GET of
// the body with a plain shared http.Client, decoded into map[string]any.
func BenchmarkFloorGetDecodeMap(b *testing.B) {
	srv, url := startBenchEmulator(b)
	client := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	b.Cleanup(client.CloseIdleConnections)
	target := url + "/v3/" + testProject + "/cas/release-plans/" + benchTask + "/deploy-info"

	b.ReportAllocs()
	before := srv.Connections()
	cpu := cpuTime()
	for b.Loop() {
		req, err := http.NewRequest(http.MethodGet, target, nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("X-Auth-Token", testToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var v map[string]any
		err = json.NewDecoder(resp.Body).Decode(&v)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("HTTP %d: %v", resp.StatusCode, err)
		}
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(srv.Connections()-before), "conns")
}

// readBench is a data source wired as Terraform would wire it: provider data
// from newProviderData, and a Config and State of the data source's schema.
type readBench struct {
	ds     *dataSource
	config tfsdk.Config
	state  tfsdk.State
}

func newReadBench(b *testing.B, s settings) *readBench {
	b.Helper()
	ctx := context.Background()
	s.projectID = testProject
	s.maxRetries = servicestage.DefaultMaxRetries
	data, diags := newProviderData(s, defaultTiming, userAgent("bench", "1.11.4"))
	if diags.HasError() {
		b.Fatalf("newProviderData: %v", diags)
	}
	ds := newDeployInfoDataSource().(*dataSource)
	ds.data = data
	var sresp datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &sresp)
	objType := sresp.Schema.Type().TerraformType(ctx).(tftypes.Object)

	// The configuration of `release_plan_id = benchTask`: every other
	// attribute null, as Terraform sends it.
	attrs := make(map[string]tftypes.Value, len(objType.AttributeTypes))
	for name, typ := range objType.AttributeTypes {
		attrs[name] = tftypes.NewValue(typ, nil)
	}
	attrs["release_plan_id"] = tftypes.NewValue(tftypes.String, benchTask)
	return &readBench{
		ds:     ds,
		config: tfsdk.Config{Schema: sresp.Schema, Raw: tftypes.NewValue(objType, attrs)},
		state:  tfsdk.State{Schema: sresp.Schema, Raw: tftypes.NewValue(objType, nil)},
	}
}

// read runs the data source's Read: GetDeployInfo through the provider's
// transport stack, and the state it stores.
func (r *readBench) read(ctx context.Context) error {
	resp := datasource.ReadResponse{State: r.state}
	r.ds.Read(ctx, datasource.ReadRequest{Config: r.config}, &resp)
	if resp.Diagnostics.HasError() {
		return fmt.Errorf("Read: %v", resp.Diagnostics)
	}
	return nil
}

func benchmarkReadPath(b *testing.B, s settings) {
	srv, url := startBenchEmulator(b)
	s.endpoint = url
	r := newReadBench(b, s)
	ctx := context.Background()
	if err := r.read(ctx); err != nil { // Fail fast, outside the timing.
		b.Fatal(err)
	}

	b.ReportAllocs()
	before := srv.Connections()
	cpu := cpuTime()
	for b.Loop() {
		if err := r.read(ctx); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(srv.Connections()-before), "conns")
}

// BenchmarkDataSourceRPCs is what Terraform asks of the provider for each
// data source of a plan, through the same server main.go serves:
// ValidateDataResourceConfig, then ReadDataSource, with token
// authentication, for tasks of 1, 5 and 500 components. It includes the
// framework's own work, which a plan pays per data source too.
// server=framework is the served provider with every read left to the
// framework (the server before it answered reads itself), side by side
// with server=served.
func BenchmarkDataSourceRPCs(b *testing.B) {
	servers := map[string]func() tfprotov6.ProviderServer{
		"served": NewProtocol6Server("bench"),
		"framework": func() tfprotov6.ProviderServer {
			return NewProtocol6Server("bench")().(typedstate.Server).FrameworkReads()
		},
	}
	for _, n := range []int{1, 5, 500} {
		for _, name := range []string{"framework", "served"} {
			b.Run(fmt.Sprintf("components=%d/server=%s", n, name), func(b *testing.B) {
				benchmarkDataSourceRPCs(b, servers[name](), n)
			})
		}
	}
}

func benchmarkDataSourceRPCs(b *testing.B, server tfprotov6.ProviderServer, components int) {
	ctx := context.Background()
	_, url := startBenchEmulatorWith(b, components)
	config := configuredServer(b, server, url)
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		v, err := server.ValidateDataResourceConfig(ctx, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: deployInfoTypeName, Config: config})
		if err != nil || len(v.Diagnostics) > 0 {
			b.Fatal(err, v.Diagnostics)
		}
		r, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: deployInfoTypeName, Config: config})
		if err != nil || len(r.Diagnostics) > 0 {
			b.Fatal(err, r.Diagnostics)
		}
	}
	reportCPU(b, cpu)
}

func BenchmarkReadPathToken(b *testing.B) {
	benchmarkReadPath(b, settings{credentials: given(auth.SettingToken, testToken)})
}

func BenchmarkReadPathAKSK(b *testing.B) {
	benchmarkReadPath(b, settings{credentials: given(auth.SettingAccessKey, testAccessKey, auth.SettingSecretKey, testSecretKey)})
}

// BenchmarkReadPathPasswordParallel10 reads as `terraform plan` does at its
// default -parallelism of 10, with password authentication, from a cold
// start: it reports the TCP connections the emulator accepted and the IAM
// tokens it issued over the whole run (targets: at most 10, exactly 1).
func BenchmarkReadPathPasswordParallel10(b *testing.B) {
	srv, url := startBenchEmulator(b)
	r := newReadBench(b, settings{
		endpoint: url, authURL: url + "/v3",
		credentials: given(auth.SettingUserName, testUser, auth.SettingPassword, testPassword, auth.SettingDomainName, testDomain),
	})
	ctx := context.Background()

	b.ReportAllocs()
	cpu := cpuTime()
	// RunParallel starts parallelism × GOMAXPROCS goroutines: 10 on 2 cores.
	b.SetParallelism((10 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := r.read(ctx); err != nil {
				b.Error(err) // Fatal must not be called off the benchmark's goroutine.
				return
			}
		}
	})
	reportCPU(b, cpu)
	b.ReportMetric(float64(srv.Connections()), "conns")
	b.ReportMetric(float64(srv.TokensIssued()), "tokens")
}

// BenchmarkFloorDecodeMap is the floor of BenchmarkDecodeFlatten: the same
// bodies decoded by encoding/json into map[string]any, and nothing more.
func BenchmarkFloorDecodeMap(b *testing.B) {
	for _, n := range []int{1, 100, 10000} {
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
			body := emulator.DeployInfoJSON(benchTask, benchComponents(n)...)
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			cpu := cpuTime()
			for b.Loop() {
				var v map[string]any
				if err := json.Unmarshal(body, &v); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/component")
		})
	}
}

// BenchmarkDecodeFlatten is the CPU side of a read, without HTTP: decoding
// a body of n components and converting it to the framework's values
// (stage=flatten), and also storing them as Read does (stage=state).
// ns/component should stay flat from 100 to 10,000 components (no
// quadratic work).
func BenchmarkDecodeFlatten(b *testing.B) {
	for _, withState := range []bool{false, true} {
		stage := map[bool]string{false: "flatten", true: "state"}[withState]
		for _, n := range []int{1, 100, 10000} {
			b.Run(fmt.Sprintf("stage=%s/components=%d", stage, n), func(b *testing.B) {
				body := emulator.DeployInfoJSON(benchTask, benchComponents(n)...)
				r := newReadBench(b, settings{endpoint: "http://127.0.0.1:1", credentials: given(auth.SettingToken, testToken)})
				config, err := typedstate.ConfigValues(r.config.Raw)
				if err != nil {
					b.Fatal(err)
				}

				b.ReportAllocs()
				b.SetBytes(int64(len(body)))
				cpu := cpuTime()
				for b.Loop() {
					info, err := servicestage.DecodeDeployInfo(body)
					if err != nil {
						b.Fatal(err)
					}
					values := maps.Clone(config)
					if err := setAPI(values, deployInfoObject, info, "deploy-info"); err != nil {
						b.Fatal(err)
					}
					if !withState {
						continue
					}
					if _, err := values.Value(r.ds.schema.Type().TerraformType(context.Background())); err != nil {
						b.Fatal(err)
					}
				}
				reportCPU(b, cpu)
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/component")
			})
		}
	}
}

const deployInfoTypeName = "servicestage_release_plan_deploy_info"

// configuredServer configures server for token authentication against url,
// as Terraform would, and returns the protocol configuration of a deploy-info
// data source that reads benchTask.
func configuredServer(t testing.TB, server tfprotov6.ProviderServer, url string) *tfprotov6.DynamicValue {
	t.Helper()
	ctx := context.Background()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	dynamic := func(typ tftypes.Type, set map[string]string) *tfprotov6.DynamicValue {
		attrs := map[string]tftypes.Value{}
		for name, at := range typ.(tftypes.Object).AttributeTypes {
			attrs[name] = tftypes.NewValue(at, nil)
		}
		for name, v := range set {
			attrs[name] = tftypes.NewValue(tftypes.String, v)
		}
		dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
		if err != nil {
			t.Fatal(err)
		}
		return &dv
	}
	configured, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
		Config: dynamic(schemas.Provider.ValueType(), map[string]string{"endpoint": url, "token": testToken, "project_id": testProject}),
	})
	if err != nil || len(configured.Diagnostics) > 0 {
		t.Fatalf("ConfigureProvider: %v %v", err, configured.Diagnostics)
	}
	return dynamic(schemas.DataSourceSchemas[deployInfoTypeName].ValueType(), map[string]string{"release_plan_id": benchTask})
}
