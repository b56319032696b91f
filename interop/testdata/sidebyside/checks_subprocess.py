"""subprocess: Popen and the functions over it, with the exceptions'
attributes and messages."""
import subprocess

from sbs import check, eq, ok, raises


@check("subprocess.run_list")
def _(conn, w):
    r = conn.modules.subprocess.run(["echo", "hi"], capture_output=True)
    return (r.returncode, r.stdout, r.stderr, list(r.args), repr(r))


@check("subprocess.run_args_is_the_list_given")
def _(conn, w):
    args = ["true"]
    r = conn.modules.subprocess.run(args)
    ok(r.args is args or r.args == args, "args")
    return list(r.args)


@check("subprocess.run_text")
def _(conn, w):
    r = conn.modules.subprocess.run(["echo", "hi"], capture_output=True, text=True)
    return (r.stdout, r.stderr)


@check("subprocess.run_universal_newlines")
def _(conn, w):
    r = conn.modules.subprocess.run(["printf", "a\\r\\nb"], stdout=conn.modules.subprocess.PIPE, universal_newlines=True)
    return r.stdout


@check("subprocess.run_input")
def _(conn, w):
    r = conn.modules.subprocess.run(["cat"], input=b"data", capture_output=True)
    return r.stdout


@check("subprocess.run_input_text")
def _(conn, w):
    r = conn.modules.subprocess.run(["cat"], input="data", capture_output=True, text=True)
    return r.stdout


@check("subprocess.run_shell")
def _(conn, w):
    r = conn.modules.subprocess.run("echo $((1+2))", shell=True, capture_output=True, text=True)
    return (r.stdout, r.args)


@check("subprocess.run_cwd")
def _(conn, w):
    r = conn.modules.subprocess.run(["pwd"], cwd=w, capture_output=True, text=True)
    return r.stdout


@check("subprocess.run_env")
def _(conn, w):
    r = conn.modules.subprocess.run(["sh", "-c", "echo $FOO"], env={"FOO": "bar", "PATH": "/usr/bin:/bin"},
                                    capture_output=True, text=True)
    return r.stdout


@check("subprocess.run_stderr_to_stdout")
def _(conn, w):
    sp = conn.modules.subprocess
    r = sp.run(["sh", "-c", "echo a; echo b >&2"], stdout=sp.PIPE, stderr=sp.STDOUT)
    return (sorted(r.stdout.split()), r.stderr)


@check("subprocess.run_devnull")
def _(conn, w):
    sp = conn.modules.subprocess
    r = sp.run(["echo", "x"], stdout=sp.DEVNULL)
    return (r.returncode, r.stdout)


@check("subprocess.run_check_raises_called_process_error")
def _(conn, w):
    try:
        conn.modules.subprocess.run(["sh", "-c", "echo out; echo err >&2; exit 3"], capture_output=True, check=True)
    except subprocess.CalledProcessError as e:
        return (type(e).__name__, e.returncode, e.cmd, e.output, e.stdout, e.stderr, str(e).split("\n\n")[0])
    raise AssertionError("no exception")


@check("subprocess.called_process_error_is_subprocess_error")
def _(conn, w):
    try:
        conn.modules.subprocess.check_call(["false"])
    except subprocess.SubprocessError as e:
        return (isinstance(e, subprocess.CalledProcessError), e.returncode)
    raise AssertionError("no exception")


@check("subprocess.check_returncode")
def _(conn, w):
    r = conn.modules.subprocess.run(["sh", "-c", "exit 4"])
    eq(r.returncode, 4)
    try:
        r.check_returncode()
    except subprocess.CalledProcessError as e:
        return (e.returncode, str(e).split("\n\n")[0])
    raise AssertionError("no exception")


@check("subprocess.check_returncode_zero")
def _(conn, w):
    return conn.modules.subprocess.run(["true"]).check_returncode()


@check("subprocess.killed_by_signal_message")
def _(conn, w):
    try:
        conn.modules.subprocess.check_output(["sh", "-c", "kill -9 $$"])
    except subprocess.CalledProcessError as e:
        return (e.returncode, str(e).split("\n\n")[0])
    raise AssertionError("no exception")


@check("subprocess.run_timeout")
def _(conn, w):
    try:
        conn.modules.subprocess.run(["sleep", "5"], timeout=0.3, capture_output=True)
    except subprocess.TimeoutExpired as e:
        return (type(e).__name__, e.cmd, e.timeout, str(e).split("\n\n")[0], isinstance(e, subprocess.SubprocessError))
    raise AssertionError("no exception")


@check("subprocess.check_call")
def _(conn, w):
    return conn.modules.subprocess.check_call(["true"])


@check("subprocess.check_call_fails")
def _(conn, w):
    return raises(subprocess.CalledProcessError, conn.modules.subprocess.check_call, ["sh", "-c", "exit 2"])


@check("subprocess.check_output")
def _(conn, w):
    return conn.modules.subprocess.check_output(["echo", "out"])


@check("subprocess.check_output_text")
def _(conn, w):
    return conn.modules.subprocess.check_output("echo out; echo err >&2", shell=True, text=True,
                                                stderr=conn.modules.subprocess.STDOUT)


@check("subprocess.check_output_error_output")
def _(conn, w):
    try:
        conn.modules.subprocess.check_output(["sh", "-c", "echo partial; exit 1"])
    except subprocess.CalledProcessError as e:
        return (e.output, e.returncode)
    raise AssertionError("no exception")


@check("subprocess.call")
def _(conn, w):
    return conn.modules.subprocess.call(["sh", "-c", "exit 5"])


@check("subprocess.getoutput")
def _(conn, w):
    return conn.modules.subprocess.getoutput("echo a; echo b >&2")


@check("subprocess.getstatusoutput")
def _(conn, w):
    return tuple(conn.modules.subprocess.getstatusoutput("echo x; exit 3"))


@check("subprocess.missing_program")
def _(conn, w):
    try:
        conn.modules.subprocess.run(["no-such-program-x"])
    except FileNotFoundError as e:
        return (e.errno, e.strerror, e.filename, str(e).split("\n\n")[0])
    raise AssertionError("no exception")


@check("subprocess.capture_output_with_stdout_is_valueerror")
def _(conn, w):
    sp = conn.modules.subprocess
    return raises(ValueError, sp.run, ["true"], capture_output=True, stdout=sp.PIPE)


@check("subprocess.input_with_stdin_is_valueerror")
def _(conn, w):
    sp = conn.modules.subprocess
    return raises(ValueError, sp.run, ["true"], input=b"", stdin=sp.PIPE)


@check("subprocess.popen_communicate")
def _(conn, w):
    sp = conn.modules.subprocess
    p = sp.Popen(["cat"], stdin=sp.PIPE, stdout=sp.PIPE, stderr=sp.PIPE)
    out, err = p.communicate(b"hello")
    return (out, err, p.returncode, p.poll(), p.wait())


@check("subprocess.popen_communicate_text")
def _(conn, w):
    sp = conn.modules.subprocess
    p = sp.Popen(["cat"], stdin=sp.PIPE, stdout=sp.PIPE, text=True)
    out, err = p.communicate("hello")
    return (out, err)


@check("subprocess.popen_communicate_encoding")
def _(conn, w):
    sp = conn.modules.subprocess
    p = sp.Popen(["echo", "é"], stdout=sp.PIPE, encoding="utf-8")
    return p.communicate()[0]


@check("subprocess.popen_returncode_none_then_set")
def _(conn, w):
    sp = conn.modules.subprocess
    p = sp.Popen(["sleep", "0.2"])
    first = p.returncode
    code = p.wait()
    return (first, code, p.returncode)


@check("subprocess.popen_poll")
def _(conn, w):
    p = conn.modules.subprocess.Popen(["sleep", "0.3"])
    before = p.poll()
    p.wait()
    return (before, p.poll())


@check("subprocess.popen_pid")
def _(conn, w):
    p = conn.modules.subprocess.Popen(["true"])
    ok(isinstance(p.pid, int) and p.pid > 0, "pid")
    p.wait()


@check("subprocess.popen_terminate")
def _(conn, w):
    p = conn.modules.subprocess.Popen(["sleep", "10"])
    p.terminate()
    return p.wait()


@check("subprocess.popen_kill")
def _(conn, w):
    p = conn.modules.subprocess.Popen(["sleep", "10"])
    p.kill()
    return p.wait()


@check("subprocess.popen_send_signal")
def _(conn, w):
    p = conn.modules.subprocess.Popen(["sleep", "10"])
    p.send_signal(conn.modules.signal.SIGINT)
    return p.wait()


@check("subprocess.popen_wait_timeout")
def _(conn, w):
    p = conn.modules.subprocess.Popen(["sleep", "5"])
    try:
        p.wait(timeout=0.2)
    except subprocess.TimeoutExpired as e:
        r = (e.cmd, e.timeout, str(e).split("\n\n")[0])
    else:
        raise AssertionError("no exception")
    p.kill()
    p.wait()
    return r


@check("subprocess.popen_communicate_timeout_then_again")
def _(conn, w):
    sp = conn.modules.subprocess
    p = sp.Popen(["sh", "-c", "sleep 0.6; echo done"], stdout=sp.PIPE)
    try:
        p.communicate(timeout=0.1)
    except subprocess.TimeoutExpired as e:
        first = type(e).__name__
    else:
        raise AssertionError("no exception")
    out, _ = p.communicate()
    return (first, out)


@check("subprocess.popen_stdin_write_close")
def _(conn, w):
    sp = conn.modules.subprocess
    p = sp.Popen(["cat"], stdin=sp.PIPE, stdout=sp.PIPE)
    p.stdin.write(b"abc")
    p.stdin.close()
    out = p.stdout.read()
    p.wait()
    return out


@check("subprocess.popen_stdout_readline")
def _(conn, w):
    sp = conn.modules.subprocess
    p = sp.Popen(["printf", "one\\ntwo\\n"], stdout=sp.PIPE, text=True)
    a = p.stdout.readline()
    b = p.stdout.readline()
    c = p.stdout.readline()
    p.wait()
    return (a, b, c)


@check("subprocess.popen_with")
def _(conn, w):
    sp = conn.modules.subprocess
    with sp.Popen(["echo", "x"], stdout=sp.PIPE) as p:
        out = p.stdout.read()
    return (out, p.returncode)


@check("subprocess.popen_cwd_env_shell")
def _(conn, w):
    sp = conn.modules.subprocess
    p = sp.Popen("echo $V; pwd", shell=True, cwd=w, env={"V": "1", "PATH": "/usr/bin:/bin"}, stdout=sp.PIPE, text=True)
    return p.communicate()[0]


@check("subprocess.popen_args_attribute")
def _(conn, w):
    p = conn.modules.subprocess.Popen(["true"])
    p.wait()
    return list(p.args)


@check("subprocess.popen_missing_program")
def _(conn, w):
    return raises(FileNotFoundError, conn.modules.subprocess.Popen, ["no-such-program-y"])


@check("subprocess.popen_stderr_pipe")
def _(conn, w):
    sp = conn.modules.subprocess
    p = sp.Popen(["sh", "-c", "echo e >&2"], stderr=sp.PIPE)
    return (p.stdout, p.stderr.read(), p.wait())


@check("subprocess.constants")
def _(conn, w):
    sp = conn.modules.subprocess
    return (sp.PIPE, sp.STDOUT, sp.DEVNULL)


@check("subprocess.list2cmdline")
def _(conn, w):
    return conn.modules.subprocess.list2cmdline(["a b", "c", 'd"e'])
