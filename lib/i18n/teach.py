"""Texts of teaching the model one's handwriting (/recognize's corrections, gallery and Teach,
lib/ui/teach_views.py; what teaching changed, on /inside).

Each key maps to an `(english, chinese)` pair (see `lib.i18n`).
"""

TEXTS = {
    # Corrections of a drawn digit: "Right", or the digit it is.
    "teach.right": ("Right", "对"),
    "teach.correct": ("It is a", "其实是"),
    "teach.correct_help": (
        "The model read it wrong: pick the digit you wrote, and the drawing is kept as an "
        "example of it.",
        "模型认错了：选出你写的数字，这个手写数字就会作为它的例子保存下来。",
    ),
    "teach.ask": (
        "Is it right? Each answer keeps this drawing as an example to teach the model.",
        "认对了吗？每次回答都会把这个手写数字保存为例子，用来教模型。",
    ),
    "teach.kept": (
        ":material/check_circle: Kept as a {label}. Your examples: {count}.",
        ":material/check_circle: 已保存为 {label}。你的例子：{count} 个。",
    ),
    "teach.relabelled": (
        ":material/edit: Changed to a {label} (the same drawing is kept once). Your "
        "examples: {count}.",
        ":material/edit: 已改为 {label}（同一个手写数字只保存一次）。你的例子：{count} 个。",
    ),
    "teach.full": (
        "You have {limit:,} examples, as many as a session keeps: this one was not kept. "
        "Remove some below, or forget all, to add more.",
        "你已经有 {limit:,} 个例子，达到了一次会话的上限：这一个没有保存。"
        "请在下面删掉一些，或全部忘掉，再添加新的。",
    ),
    # Corrections of a batch: labels from the names, or picked by the student.
    "teach.batch.title": ("Teach it with these digits", "用这些数字教模型"),
    "teach.batch.keep_named": (
        "Keep the {count:,} digits labelled by their names as examples",
        "把按文件名标好数字的 {count:,} 张图片保存为例子",
    ),
    "teach.batch.named_kept": (
        ":material/check_circle: The {count:,} digits labelled by their names are kept as "
        "examples.",
        ":material/check_circle: 按文件名标好数字的 {count:,} 张图片已保存为例子。",
    ),
    "teach.batch.pick_help": (
        "These {count:,} of {total:,} files have no digit in their name: pick what each one "
        "is in the Label column, then keep them.",
        "这 {count:,} 个文件（共 {total:,} 个）的文件名里没有数字：请在“数字”一栏选出每张是几，"
        "然后保存。",
    ),
    "teach.batch.pick_help.one": (
        "This file has no digit in its name: pick what it is in the Label column, then keep it.",
        "这个文件的文件名里没有数字：请在“数字”一栏选出它是几，然后保存。",
    ),
    "teach.batch.pick_help.all": (
        "These {count:,} files have no digit in their name: pick what each one is in the Label "
        "column, then keep them.",
        "这 {count:,} 个文件的文件名里没有数字：请在“数字”一栏选出每张是几，然后保存。",
    ),
    "teach.col.picture": ("Picture", "图片"),
    "teach.col.label": ("Label", "数字"),
    "teach.col.label_help": ("The digit it really is", "它实际上是哪个数字"),
    "teach.batch.keep_picked": (
        "Keep the {count:,} digits I labelled as examples",
        "把我标好的 {count:,} 张图片保存为例子",
    ),
    "teach.batch.keep_picked.none": (
        "Keep the digits I labelled as examples", "把我标好的图片保存为例子",
    ),
    "teach.batch.kept": (
        "Kept {kept:,} new examples and changed the digit of {relabelled:,}. Your examples: "
        "{count:,}.",
        "新保存了 {kept:,} 个例子，改了 {relabelled:,} 个例子的数字。你的例子：{count:,} 个。",
    ),
    "teach.batch.full": (
        "{left:,} were not kept: a session keeps at most {limit:,} examples. Remove some, or "
        "forget all, to add more.",
        "有 {left:,} 张没有保存：一次会话最多保存 {limit:,} 个例子。请删掉一些，或全部忘掉，"
        "再添加新的。",
    ),
    # The gallery.
    "teach.gallery": ("Your examples", "你的例子"),
    "teach.gallery.count": (
        "**{count:,}** of at most {limit:,}, kept in this browser session only.",
        "**{count:,}** 个（最多 {limit:,} 个），只保存在这个浏览器会话里。",
    ),
    "teach.gallery.digit": ("**{digit}** :gray[({count})]", "**{digit}** :gray[（{count} 个）]"),
    "teach.gallery.more": ("and {count:,} older", "还有 {count:,} 个更早的"),
    "teach.remove": ("Remove this example", "删除这个例子"),
    "teach.forget": ("Forget all", "全部忘掉"),
    # Teaching.
    "teach.title": ("Teach it your handwriting", "教模型认你的笔迹"),
    "teach.none": (
        "Say *Right* or pick the digit it is after each prediction: each answer keeps an "
        "example. With a few of each digit, teach the model your handwriting in seconds.",
        "每次识别之后，点“对”或者选出它其实是几：每次回答都会保存一个例子。"
        "每个数字有几个例子之后，几秒钟就能教会模型认你的笔迹。",
    ),
    "teach.explain": (
        "Fine-tunes a **copy** of {model} on your {count:,} examples, each seen {repeats} "
        "times per epoch, a little moved, turned and zoomed, mixed with {replay:,} MNIST "
        "digits so that it keeps reading everyone else's: {epochs} epochs of Adam at a "
        "learning rate of {rate}, with the first convolution frozen (it finds edges, the same in "
        "every hand). The model you copy is not changed.",
        "在你的 {count:,} 个例子上微调 {model} 的**副本**：每轮把每个例子"
        "稍作平移、旋转和缩放后学习 {repeats} 次，并混入 {replay:,} 个 MNIST 数字，"
        "让它仍然认得别人的字；使用学习率为 {rate} 的 Adam 训练 {epochs} 轮，第一个卷积层冻结（它找的是边缘，每个人的笔迹都一样）。"
        "被复制的模型本身不会改变。",
    ),
    "teach.missing": (
        "No example yet of {digits}: those digits are not taught (the MNIST digits keep the "
        "model reading them as before).",
        "还没有这些数字的例子：{digits}。这些数字不会被教（混入的 MNIST 数字让模型照旧认得它们）。",
    ),
    "teach.start": ("Teach the model my handwriting", "用我的笔迹教模型"),
    "teach.model_name": ("Mine (taught with {count} examples)", "我的模型（用 {count} 个例子教过）"),
    "teach.model_name.one": ("Mine (taught with 1 example)", "我的模型（用 1 个例子教过）"),
    "teach.queued": (
        ":material/hourglass_top: Waiting in the server's training queue: number {position} "
        "in line, {running} training now.",
        ":material/hourglass_top: 正在服务器的训练队列中等待：排第 {position} 位，"
        "当前有 {running} 个正在训练。",
    ),
    "teach.progress": (
        "Teaching: epoch {epoch} of {epochs}, step {step} of {steps}",
        "正在教：第 {epoch} / {epochs} 轮，第 {step} / {steps} 步",
    ),
    "teach.starting": (
        "Starting: measuring the model on your examples and on MNIST first ...",
        "正在开始：先测一下模型在你的例子和 MNIST 上的准确率……",
    ),
    "teach.loss": ("Loss", "损失"),
    "teach.failed": (
        "Teaching failed: {error}. The model you copied is unchanged; try again, or tell the "
        "teacher.",
        "教模型失败：{error}。被复制的模型没有改变；请再试一次，或告诉老师。",
    ),
    "teach.cancelled": ("The teaching run was cancelled.", "这次教模型已取消。"),
    "teach.stopped": (
        "The run stopped at its time limit after {epochs} epochs; the model keeps what it "
        "learned.",
        "训练到达时间上限，在 {epochs} 轮后停止；模型保留已学到的内容。",
    ),
    "teach.done": (
        "Taught in {seconds} s: {name} is selected in the sidebar, and every page uses it. "
        "Draw your digits again to see it read them.",
        "用时 {seconds} 秒教完：侧边栏已选中 {name}，每个页面都会用它。"
        "再写几个数字，看看它能不能认出来。",
    ),
    "teach.use": ("Use {name}", "使用 {name}"),
    "teach.result.examples": (
        "Your {count} held-out examples", "你留出的 {count} 个例子",
    ),
    "teach.result.examples.none": ("Your held-out examples", "你留出的例子"),
    "teach.result.examples_help": (
        "Examples kept out of the fine-tuning (a fifth of each digit's), to test it on "
        "writing it did not learn from.",
        "微调时没有使用的例子（每个数字留出五分之一），用来检验它在没学过的字上的表现。",
    ),
    "teach.result.mnist": ("{count:,} MNIST test digits", "{count:,} 个 MNIST 测试数字"),
    "teach.result.mnist_help": (
        "Everyone else's handwriting: it should not drop.",
        "其他人的笔迹：准确率不应下降。",
    ),
    "teach.result.before": ("Before: {before:.1%}.", "之前：{before:.1%}。"),
    "teach.result.delta": ("{points:+.1f} points", "{points:+.1f} 个百分点"),
    "teach.result.none_held_out": (
        "None held out: a digit needs two examples or more for one to be held out.",
        "没有留出例子：一个数字至少要有两个例子，才会留出一个。",
    ),
    "teach.not_taught": (
        ":material/info: Not taught (no example): {digits}. The model reads them as it did before.",
        ":material/info: 没有教（没有例子）：{digits}。模型对它们的识别和以前一样。",
    ),
    "teach.code": ("The Keras code of this fine-tuning", "这次微调的 Keras 代码"),
    "teach.code_help": (
        "What ran, as code you can run yourself: a clone of the model, its first convolution "
        "({frozen}) frozen, a small learning rate, and `fit` on your digits mixed with MNIST.",
        "刚才运行的内容，写成你自己也能运行的代码：克隆模型，冻结第一个卷积层（{frozen}），"
        "使用较小的学习率，再用你的数字和 MNIST 混在一起 `fit`。",
    ),
    "teach.download": ("The taught model (.keras)", "教过的模型（.keras）"),
    "teach.download.examples": ("My examples (.zip)", "我的例子（.zip）"),
    "teach.download.examples_help": (
        "Your examples as 28 x 28 PNGs, in a folder per digit. The command line teaches the "
        "same way: `{command}`",
        "你的例子，28 x 28 的 PNG 图片，每个数字一个文件夹。命令行也能用同样的方法教模型："
        "`{command}`",
    ),
    # What teaching changed, on /inside (lib/ui/inside_views.py).
    "teach.changed.title": ("What teaching changed", "教模型改变了什么"),
    "teach.changed.explain": (
        "This model is a copy of {source} fine-tuned on {count:,} of your examples. How far "
        "each layer's weights moved, relative to their size: the frozen first convolution did "
        "not move, the later layers learned your hand.",
        "这个模型是 {source} 的副本，用你的 {count:,} 个例子微调过。下表是每一层的权重"
        "相对于原来大小的变化：冻结的第一个卷积层没有变，后面的层学会了你的笔迹。",
    ),
    "teach.changed.layer": ("Layer", "层"),
    "teach.changed.type": ("Type", "类型"),
    "teach.changed.frozen": ("Frozen", "冻结"),
    "teach.changed.change": ("Weights moved", "权重变化"),
}
