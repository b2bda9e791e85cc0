import { MAX_FIGURE_BYTES, MAX_FIGURE_PIXELS, MAX_FIGURES } from './sandbox-limits.js';

/** Frame kinds on the figure channel (fd 3): one byte, a big-endian u32 length, the payload. */
export const FRAME_FIGURE = 0x46; // 'F': PNG bytes
export const FRAME_NOTE = 0x4e; // 'N': UTF-8 text for the end of the output
export const FRAME_STARTED = 0x53; // 'S': empty; the sandbox is up and the prelude runs

/**
 * The Python program each sandbox runs with `python3 -I -c PRELUDE`. It reads the user's code
 * from stdin and runs it as `__main__` (on failure its source is registered with linecache so
 * the traceback shows its lines), prints a failure's traceback without the prelude's own frame, then sends every
 * matplotlib figure still open as PNG over fd 3 (a pipe: nothing is written to the host's disk).
 * Its first frame says it started: a run without it means the sandbox itself failed.
 *
 * `plt.show()` is patched, when and if the program imports pyplot, to send the open figures
 * then and close them, as closing an interactive window would; pyplot is never imported here,
 * so a program that does not plot does not pay its ~0.5 s import. The program can write to
 * fd 3 itself: it can only forge figures of its own, which the host bounds like any others.
 */
export const SANDBOX_PRELUDE = `
import sys, os, io, struct, types

# Whatever gemserve's own parent left open without close-on-exec (a supervisor's pipe, a
# terminal) passes through setpriv, prlimit and bwrap into here: close all but stdio and the
# channel before the program runs (close_range(2) on Linux 5.9+, so the wide range is cheap).
os.closerange(4, 1 << 20)

def _gemserve_run():
    sys.stdout.reconfigure(line_buffering=True)
    try:
        channel = os.fdopen(3, 'wb', buffering=0)
    except OSError:
        channel = None
    sent = [0]

    def send(kind, payload):
        if channel is None:
            return
        try:
            channel.write(kind + struct.pack('>I', len(payload)) + payload)
        except (OSError, ValueError):
            pass

    def note(text):
        send(b'N', text.encode('utf-8', 'replace'))

    def capture(plt):
        for num in plt.get_fignums():
            try:
                fig = plt.figure(num)
                w, h = fig.get_size_inches() * fig.dpi
                if w * h > ${MAX_FIGURE_PIXELS}:
                    note('Figure %s was not returned: %dx%d pixels is more than the %d allowed.' % (num, w, h, ${MAX_FIGURE_PIXELS}))
                    continue
                if sent[0] >= ${MAX_FIGURES}:
                    note('Figure %s was not returned: only %d figures are returned per run.' % (num, ${MAX_FIGURES}))
                    continue
                buf = io.BytesIO()
                fig.savefig(buf, format='png')
                data = buf.getvalue()
                if len(data) > ${MAX_FIGURE_BYTES}:
                    note('Figure %s was not returned: its PNG is larger than %d bytes.' % (num, ${MAX_FIGURE_BYTES}))
                    continue
                send(b'F', data)
                sent[0] += 1
            except Exception as e:
                note('Figure %s could not be rendered: %s: %s' % (num, type(e).__name__, e))

    def patch_pyplot(plt):
        def show(*args, **kwargs):
            capture(plt)
            plt.close('all')
        plt.show = show

    class PyplotHook:
        def find_spec(self, name, path=None, target=None):
            if name != 'matplotlib.pyplot':
                return None
            sys.meta_path.remove(self)
            import importlib.util
            spec = importlib.util.find_spec(name)
            if spec is None or spec.loader is None:
                return spec
            exec_module = spec.loader.exec_module
            def exec_and_patch(module):
                exec_module(module)
                patch_pyplot(module)
            spec.loader.exec_module = exec_and_patch
            return spec

    sys.meta_path.insert(0, PyplotHook())
    send(b'S', b'')

    code = sys.stdin.read()
    sys.stdin.close()
    sys.stdin = open(os.devnull)
    main = types.ModuleType('__main__')
    sys.modules['__main__'] = main
    sys.argv = ['']
    status = 0
    try:
        exec(compile(code, '<string>', 'exec'), main.__dict__)
    except SystemExit as e:
        status = e.code
    except BaseException as e:
        status = 1
        sys.stdout.flush()
        # Imported only now: traceback (with linecache, tokenize and re) costs ~10 ms a run.
        import traceback, linecache
        linecache.cache['<string>'] = (len(code), None, code.splitlines(True), '<string>')
        traceback.print_exception(type(e), e, e.__traceback__.tb_next)
        if isinstance(e, MemoryError):
            import resource
            limit = resource.getrlimit(resource.RLIMIT_AS)[0]
            if limit > 0:
                print('(The sandbox allows %d MiB of memory per process.)' % (limit >> 20), file=sys.stderr)
    if 'matplotlib.pyplot' in sys.modules:
        capture(sys.modules['matplotlib.pyplot'])
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(status)

_gemserve_run()
`;
