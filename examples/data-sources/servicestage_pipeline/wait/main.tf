# Wait for a run of a new-edition release task to end, then gate a step on
# its outcome. The wait goes through AWAITING_APPROVAL and PAUSED: someone
# may approve or continue the run in the console meanwhile.
data "servicestage_pipeline" "checkout" {
  pipeline_id         = "6c2f8e14-3a9b-4d57-b0e2-7f1a4c9d3e85"
  wait_for_completion = true

  timeouts = {
    read = "45m"
  }
}

resource "terraform_data" "after_release" {
  input = data.servicestage_pipeline.checkout.name

  lifecycle {
    precondition {
      condition     = data.servicestage_pipeline.checkout.succeeded
      error_message = "Release task ${data.servicestage_pipeline.checkout.name} ended with status ${data.servicestage_pipeline.checkout.status}, not SUCCEEDED."
    }
  }
}
