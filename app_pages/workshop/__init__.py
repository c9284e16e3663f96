"""The facilitator's workshop page and the shared screen."""
