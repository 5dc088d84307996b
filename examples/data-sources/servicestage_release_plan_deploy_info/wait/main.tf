# Wait for a release that is still running: the read polls until no
# deployment or rollback job is pending, for at most 30 minutes. A release
# still running at timeouts.read is already an error, so the postcondition
# only needs to gate on how the release went.
data "servicestage_release_plan_deploy_info" "release" {
  release_plan_id     = "c2e7b0d9-1a4f-4e86-8b3c-5f9d2a7e6c10"
  wait_for_completion = true

  timeouts = {
    read = "30m"
  }

  lifecycle {
    postcondition {
      condition     = self.all_succeeded
      error_message = "Release task ${self.id} did not succeed. Failed components: [${join(", ", self.failed_components)}]."
    }
  }
}

output "released_versions" {
  value = {
    for c in data.servicestage_release_plan_deploy_info.release.components : c.name => c.version
  }
}
