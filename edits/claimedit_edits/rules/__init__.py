"""Edit modules, one subpackage per code family."""
