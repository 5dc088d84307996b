# The newest new-edition release task whose name starts with checkout-,
# found by name instead of a pasted ID.
data "servicestage_pipelines" "checkout" {
  name_regex = "^checkout-release-"

  lifecycle {
    postcondition {
      condition     = length(self.ids) > 0
      error_message = "No new-edition release task named checkout-release-* in project ${self.project_id}."
    }
  }
}

data "servicestage_pipeline" "newest_checkout" {
  pipeline_id = data.servicestage_pipelines.checkout.ids[0]
}

output "newest_checkout" {
  value = {
    name   = data.servicestage_pipeline.newest_checkout.name
    status = data.servicestage_pipeline.newest_checkout.status
    # last_trigger_at is null until the task first runs.
    last_run = (
      data.servicestage_pipeline.newest_checkout.last_trigger_at == null
      ? "never"
      : timeadd("1970-01-01T00:00:00Z", "${data.servicestage_pipeline.newest_checkout.last_trigger_at}ms")
    )
  }
}
