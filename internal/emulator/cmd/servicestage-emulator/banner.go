package main

import (
	"fmt"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

// printBanner tells how to reach the emulator and with which credentials.
func printBanner(url, metadataURL, idTokenFile string) {
	fmt.Printf("ServiceStage emulator at %s (IAM at %s/v3)\n", url, url)
	// The credentials are fakes that only this emulator knows: all of them are
	// printed, secret key included, so that each way of authenticating can be tried.
	fmt.Printf("  project %s\n", emulator.DemoProject)
	fmt.Printf("  token %q, or AK %s with SK %s, or user %s/%s in domain %s\n",
		emulator.DemoToken, emulator.DemoAccessKey, emulator.DemoSecretKey, emulator.DemoUser, emulator.DemoPassword, emulator.DemoDomain)
	fmt.Printf("  agency: assume_role { agency_name = %q, domain_name = %q } on top of any of those (POST /v3.0/OS-CREDENTIAL/securitytokens)\n",
		emulator.DemoAgencyName, emulator.DemoAgencyDomain)
	idToken := "-id-token-file PATH writes one"
	if idTokenFile != "" {
		idToken = fmt.Sprintf("id_token_file = %q", idTokenFile)
	}
	fmt.Printf("  OpenID Connect: idp_id = %q with an ID token (%s; issuer %s, audience %s)\n",
		emulator.DemoIdpID, idToken, emulator.DemoIdpIssuer, emulator.DemoIdpClientID)
	fmt.Printf("  ECS metadata (an instance with an agency) at %s: set HW_METADATA_ENDPOINT=%s\n", metadataURL, metadataURL)
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
}
