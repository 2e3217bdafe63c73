"""Texts of /optimizers (app_pages/optimizers.py).

Each key maps to an `(english, chinese)` pair (see `lib.i18n`).
"""

TEXTS = {
    "optimizers.title": ("Optimizers", "优化器"),
    "optimizers.intro": (
        "Real keras.optimizers minimising a function of two weights, x and y. Each starts at "
        "the same point; the path shows where its steps went.",
        "真实的 keras.optimizers 在最小化一个有两个权重 x 和 y 的函数。它们都从同一点出发，"
        "路径显示每一步走到了哪里。",
    ),
    "optimizers.surface": ("Function", "函数"),
    "optimizers.surface.bowl": ("Bowl: 0.5 x² + 5 y²", "碗形：0.5 x² + 5 y²"),
    "optimizers.surface.rosenbrock": ("Rosenbrock: (1 - x)² + 100 (y - x²)²",
                                      "Rosenbrock 函数：(1 - x)² + 100 (y - x²)²"),
    "optimizers.surface.saddle": ("Saddle: x² - y²", "鞍点：x² - y²"),
    "optimizers.surface.help.bowl": (
        "A long, narrow valley: steep across (y), gentle along (x). Plain SGD zig-zags; "
        "momentum and adaptive methods go straighter.",
        "一个狭长的山谷：横向（y）陡峭，纵向（x）平缓。普通 SGD 会来回震荡；动量和自适应方法走得更直。",
    ),
    "optimizers.surface.help.rosenbrock": (
        "A curved, flat-bottomed valley with its minimum at (1, 1): easy to find the valley, "
        "hard to follow it. Contours are drawn on a log scale.",
        "一条弯曲、底部平坦的山谷，最小值在 (1, 1)：找到山谷容易，沿着它走到底很难。等高线按对数刻度绘制。",
    ),
    "optimizers.surface.help.saddle": (
        "No minimum: downhill in y, uphill in x. Starting almost on the ridge, the gradient in "
        "y is tiny; see which optimizers escape quickly.",
        "没有最小值：沿 y 方向下坡，沿 x 方向上坡。起点几乎在山脊上，y 方向的梯度很小；"
        "看看哪些优化器能快速逃离。",
    ),
    "optimizers.pick": ("Optimizers", "优化器"),
    "optimizers.steps": ("Steps", "步数"),
    "optimizers.settings": ("{name} arguments", "{name} 的参数"),
    "optimizers.pick_one": ("Pick at least one optimizer.", "请至少选择一个优化器。"),
    "optimizers.start": ("start", "起点"),
    "optimizers.minimum": ("minimum", "最小值"),
    "optimizers.diverged": (
        "{name} diverged after {steps} steps: its steps grew instead of shrinking. Lower lr.",
        "{name} 在 {steps} 步后发散：步子越走越大。请减小 lr。",
    ),
    "optimizers.value": ("f(x, y)", "f(x, y)"),
    "optimizers.step": ("step", "步"),
    "optimizers.lr": ("learning rate", "学习率"),
    "optimizers.value_chart": ("Function value per step", "每一步的函数值"),
    "optimizers.lr_chart": ("Learning rate per step", "每一步的学习率"),
    "optimizers.decay": (
        "Keras 2's `decay` is gone in Keras 3: it becomes the schedule "
        "InverseTimeDecay(lr, decay_steps=1, decay_rate=decay), that is lr / (1 + decay x step), "
        "exactly Keras 2's formula. The chart shows the learning rate each step used.",
        "Keras 3 中已没有 Keras 2 的 `decay` 参数：它变成学习率调度 InverseTimeDecay(lr, "
        "decay_steps=1, decay_rate=decay)，即 lr / (1 + decay x step)，与 Keras 2 的公式完全相同。"
        "图中是每一步实际使用的学习率。",
    ),
    "optimizers.code": ("The Keras 3 code", "Keras 3 代码"),
    "optimizers.mnist.title": ("The same optimizers on MNIST", "同样的优化器用于 MNIST"),
    "optimizers.mnist.intro": (
        "A tiny model (Flatten -> Dense(32, relu) -> Dense(10, softmax), 25,450 parameters) "
        "trained for a few hundred batches of 32 digits with each optimizer chosen above: its "
        "settings from above, its learning rate from below. Every optimizer starts from the "
        "same weights and sees the same batches.",
        "一个很小的模型（Flatten -> Dense(32, relu) -> Dense(10, softmax)，25,450 个参数），"
        "用上面选中的每个优化器训练几百个批次（每批 32 个数字）：其他参数取自上面，学习率取自下面。"
        "每个优化器都从相同的权重出发，看到相同的批次。",
    ),
    "optimizers.mnist.lr_intro": (
        "**Learning rates for this network.** A rate that suits a 2-D surface rarely suits a "
        "network (Rosenbrock's SGD rate, 0.001, leaves this model's loss near 2.2), so each "
        "optimizer starts here from the rate that trained this model best in 300 batches, of "
        "rates from 0.001 to 0.5.",
        "**这个网络的学习率。** 适合二维曲面的学习率很少适合神经网络（Rosenbrock 上 SGD 的学习率 0.001 "
        "会让这个模型的损失停在 2.2 左右），所以这里每个优化器都从在 0.001 到 0.5 之间、300 个批次内"
        "把这个模型训练得最好的学习率开始。",
    ),
    "optimizers.mnist.lr": ("{name}: learning rate", "{name}：学习率"),
    "optimizers.mnist.training": ("Training the tiny model with each optimizer...",
                                  "正在用每个优化器训练这个小模型……"),
    "optimizers.computing": ("Running the optimizers...", "正在运行优化器……"),
    "optimizers.mnist.steps": ("Batches", "批次数"),
    "optimizers.mnist.run": ("Train on MNIST", "在 MNIST 上训练"),
    "optimizers.mnist.hint": (
        "Press the button to train (a few seconds); results are kept for these settings.",
        "点击按钮开始训练（几秒钟）；这些设置的结果会被保留。",
    ),
    "optimizers.mnist.loss": ("training loss", "训练损失"),
    "optimizers.mnist.batch": ("batch", "批次"),
    "optimizers.mnist.final": ("{name} (lr {lr:g}): mean loss of the last 50 batches {loss:.3f}",
                               "{name}（学习率 {lr:g}）：最后 50 个批次的平均损失 {loss:.3f}"),
    "optimizers.mnist.diverged": ("{name}: the loss became NaN (lr too large).",
                                  "{name}：损失变成了 NaN（lr 太大）。"),
}
