# Conveniences; the README's two commands are bin/demo and bin/test.
.PHONY: demo test bench
demo:
	bin/demo
test:
	bin/test
bench:
	bin/bench
