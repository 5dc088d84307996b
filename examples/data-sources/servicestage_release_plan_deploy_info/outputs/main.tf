# Feed the outcome of a release into another module: here a local one that
# builds a notification, but any module with matching variables will do.
data "servicestage_release_plan_deploy_info" "release" {
  project_id      = "2a7d9c4e6b1f4e08a3c5d7e9f1b2c4d6"
  release_plan_id = "8a6d2e41-5c3b-4f7a-b1e9-2d4c6f8a0b35"
}

module "notify" {
  source = "./modules/notify"

  release_plan_id   = data.servicestage_release_plan_deploy_info.release.id
  failed_components = data.servicestage_release_plan_deploy_info.release.failed_components
  component_versions = {
    for c in data.servicestage_release_plan_deploy_info.release.components : c.name => c.version
  }
}

output "notification" {
  value = module.notify.message
}
