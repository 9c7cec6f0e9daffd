// PLACEHOLDER (from the test-harness engineer) so the build runs: the lead replaces it.
process.stdout.write('sdlc: not implemented yet\n');
