"""herobot's platform-neutral core: model, rules, services, replies, config, CLI."""
