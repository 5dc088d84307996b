terraform {
  required_providers {
    servicestage = {
      source = "f6c119bb/servicestage"
    }
  }
}

# Read a release task once. project_id defaults to the provider's.
data "servicestage_release_plan_deploy_info" "orders" {
  release_plan_id = "716eda33-dbc6-47f3-953f-29119edd5e5c"
}

# Each component's version and deployment job status, by component name.
output "orders_components" {
  value = {
    for c in data.servicestage_release_plan_deploy_info.orders.components :
    c.name => "${c.version} ${c.job_status}"
  }
}

output "orders_all_succeeded" {
  value = data.servicestage_release_plan_deploy_info.orders.all_succeeded
}
