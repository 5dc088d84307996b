# A continuous check (Terraform >= 1.5): every plan and apply reads the
# release task and warns, without failing, when a component failed. The data
# source is scoped to the check, so an error reading it is a warning too.
check "release_health" {
  data "servicestage_release_plan_deploy_info" "latest" {
    release_plan_id = "8a6d2e41-5c3b-4f7a-b1e9-2d4c6f8a0b35"
  }

  assert {
    condition     = length(data.servicestage_release_plan_deploy_info.latest.failed_components) == 0
    error_message = "Release task ${data.servicestage_release_plan_deploy_info.latest.id}: deployment or rollback failed for ${join(", ", data.servicestage_release_plan_deploy_info.latest.failed_components)}."
  }
}
