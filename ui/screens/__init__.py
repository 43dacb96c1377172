"""One module per screen; each renders a FlowState and sends intents to the journey."""
