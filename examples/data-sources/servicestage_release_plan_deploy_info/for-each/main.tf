# Several release tasks, one read each. Reads run in parallel: to stay under
# the account's API rate limit, set max_requests_per_second on the provider.
variable "release_plans" {
  description = "Release task ID, by a name of your choosing."
  type        = map(string)
  default = {
    orders  = "3f1c9a52-7b4e-4d2a-9c61-0e8d5b7a2f14"
    billing = "8a6d2e41-5c3b-4f7a-b1e9-2d4c6f8a0b35"
    search  = "c2e7b0d9-1a4f-4e86-8b3c-5f9d2a7e6c10"
  }
}

data "servicestage_release_plan_deploy_info" "release" {
  for_each = var.release_plans

  release_plan_id = each.value
}

output "releases" {
  value = {
    for name, r in data.servicestage_release_plan_deploy_info.release : name => {
      completed         = r.completed
      all_succeeded     = r.all_succeeded
      failed_components = r.failed_components
    }
  }
}

output "failed_releases" {
  value = sort([for name, r in data.servicestage_release_plan_deploy_info.release : name if length(r.failed_components) > 0])
}
