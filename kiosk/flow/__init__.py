"""The flow engine: a state machine that walks a citizen through any catalog service.

- `state`: what the UI renders (`FlowState`, one part per concern: card, people, form, review,
  status lookup);
- `effects`: what the journey asks the outside to do (read a card, submit, look up a status);
- `steps`: the registry of step kinds, one module per kind with its enter / validate / leave;
- `journey`: the `Journey` the UI and the controller use, its intents by concern: `walk` (the
  state, its listeners, moving between steps), `reader` (the card and its events), `guests`
  (a people step), `lookup` (the status screen), and in `journey` itself the service, its
  answers, the session and the submission's results.

No Qt, no I/O: every path is testable with a fake clock.
"""
