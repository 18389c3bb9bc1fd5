import threading

from pipeline.text import kiwi
from pipeline.text.kiwi import build_in_background, get_kiwi


def test_one_instance_however_many_threads_ask(monkeypatch):
    # Not built yet, whatever ran before: the threads below race to build it.
    monkeypatch.setattr(kiwi, "_kiwi", None)
    thread = build_in_background()
    found = []
    others = [threading.Thread(target=lambda: found.append(get_kiwi())) for _ in range(3)]
    for other in others:
        other.start()
    for other in [thread, *others]:
        other.join()
    assert len({id(k) for k in found}) == 1 and found[0] is get_kiwi()
