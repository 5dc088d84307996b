terraform {
  required_providers {
    servicestage = {
      source = "f6c119bb/servicestage"
    }
  }
}

# Read one new-edition release task: its details, with its status from the
# project's list. project_id defaults to the provider's.
data "servicestage_pipeline" "checkout" {
  pipeline_id = "4105b37a-947e-4aca-90d8-cec7c04c6f38"
}

output "checkout_release" {
  value = {
    name        = data.servicestage_pipeline.checkout.name
    status      = data.servicestage_pipeline.checkout.status
    status_code = data.servicestage_pipeline.checkout.status_code
    completed   = data.servicestage_pipeline.checkout.completed
    succeeded   = data.servicestage_pipeline.checkout.succeeded
    fail_mode   = data.servicestage_pipeline.checkout.fail_mode
  }
}
