"""Texts of /recognize (app_pages/recognize.py).

Each key maps to an `(english, chinese)` pair (see `lib.i18n`).
"""

TEXTS = {
    "recognize.title": ("Recognize a digit", "识别手写数字"),
    "recognize.using": ("Using the model: {model}", "使用的模型：{model}"),
    "recognize.mode": ("Input", "输入方式"),
    "recognize.mode.draw": (":material/draw: Draw", ":material/draw: 手写"),
    "recognize.mode.upload": (":material/upload_file: Upload", ":material/upload_file: 上传"),
    "recognize.draw.help": (
        "Draw one digit, 0 to 9, large and in the middle. The answer updates after each stroke.",
        "在中间写一个大一点的数字（0 到 9）。每写一笔，结果都会更新。",
    ),
    "recognize.brush": ("Brush width", "笔刷粗细"),
    "recognize.clear": ("Clear", "清除"),
    "recognize.draw.empty": (
        "The canvas is empty: draw a digit on it to see what the model thinks it is.",
        "画布是空的：在上面写一个数字，看看模型认为它是几。",
    ),
    "recognize.prediction": ("Prediction", "预测结果"),
    "recognize.confidence": ("Confidence", "置信度"),
    "recognize.digit": ("Digit", "数字"),
    "recognize.probability": ("Probability", "概率"),
    "recognize.model_input": ("What the model saw (28 x 28)", "模型看到的图像（28 x 28）"),
    "recognize.steps.show": ("Show the preprocessing steps", "显示预处理步骤"),
    "recognize.steps.gray": ("1. Gray levels", "1. 灰度图"),
    "recognize.steps.ink": ("2. Ink, bright on black", "2. 墨迹（黑底亮字）"),
    "recognize.steps.crop": ("3. Cropped to the digit", "3. 裁剪到数字"),
    "recognize.steps.fitted": ("4. Fitted into {box} x {box}", "4. 缩放到 {box} x {box}"),
    "recognize.steps.mnist": ("5. Centred in 28 x 28", "5. 居中于 28 x 28"),
    "recognize.steps.explain": (
        "MNIST digits are bright ink on black, scaled to fit a {box} x {box} box and centred "
        "in 28 x 28 by their centre of mass. The same is done to your drawing, so the model "
        "sees it the way it saw its training data.",
        "MNIST 数字是黑底亮字，先缩放到 {box} x {box} 的方框内，再按质心放在 28 x 28 的中央。"
        "你的手写数字也经过同样的处理，这样模型看到它的方式与训练数据一致。",
    ),
    "recognize.upload.files": ("Images or zips", "图片或 zip 文件"),
    "recognize.upload.folder": ("A folder of images", "图片文件夹"),
    "recognize.upload.empty": (
        "Upload some digits to recognise them. Name them like num3.png, digit_3.jpg or put "
        "them in a folder named 3/ and the page also scores the model.",
        "上传一些数字图片来识别。如果文件名形如 num3.png、digit_3.jpg，或放在名为 3/ 的文件夹中，"
        "页面还会给模型打分。",
    ),
    "recognize.upload.progress": ("Recognising {done:,} of {total:,} images ...",
                                  "正在识别第 {done:,} / {total:,} 张图片……"),
    "recognize.upload.recognised": ("Recognised", "已识别"),
    "recognize.upload.unusable": ("Unusable", "无法使用"),
    "recognize.upload.skipped": ("Skipped", "已跳过"),
    "recognize.upload.skipped_help": (
        "Left out on purpose: {macos} macOS metadata (__MACOSX/), {hidden} hidden files, "
        "{not_image} files that are not images.",
        "有意跳过：{macos} 个 macOS 元数据（__MACOSX/）、{hidden} 个隐藏文件、"
        "{not_image} 个非图片文件。",
    ),
    "recognize.upload.accuracy": ("Accuracy", "准确率"),
    "recognize.upload.accuracy_help": (
        "{correct:,} right out of {labelled:,} images whose name or folder gives the digit.",
        "在 {labelled:,} 张能从文件名或文件夹名读出数字的图片中，识别正确 {correct:,} 张。",
    ),
    "recognize.upload.grid": ("What the model saw, and its answers", "模型看到的图像及其答案"),
    "recognize.upload.page": ("Page (of {count})", "页码（共 {count} 页）"),
    "recognize.upload.table": ("All results", "全部结果"),
    "recognize.upload.download": ("Download CSV", "下载 CSV"),
    "recognize.col.file": ("File", "文件"),
    "recognize.col.prediction": ("Prediction", "预测结果"),
    "recognize.col.confidence": ("Confidence", "置信度"),
    "recognize.col.label": ("Label from name", "文件名中的标签"),
    "recognize.col.correct": ("Correct", "正确"),
    "recognize.col.error": ("Problem", "问题"),
    # The limits of an uploaded batch (lib/uploads, lib/preprocess).
    "recognize.upload.batch_limits": (
        "Upload images (PNG, JPEG, BMP, GIF, WebP, TIFF), zips of them, or a whole folder. "
        "Limits: {upload_mb} MB per uploaded file and {file_mb} MB per image, in zips too. One "
        "batch (everything uploaded together) holds at most {files:,} files, counting those in "
        "zips; {batch_mb:,} MB, counting what zips unpack to; and {batch_mp:,} million pixels. A "
        "zip holds at most {members:,} files and {zip_mb:,} MB unpacked, each member compressed "
        "at most {ratio} times. A photo (JPEG, read reduced) has at most {jpeg_mp:.0f} million "
        "pixels; any other image at most {image_mp:.0f} million. What is over a limit gets a row "
        "saying why and the rest is recognised. Zips are read in memory, never unpacked to disk.",
        "可上传图片（PNG、JPEG、BMP、GIF、WebP、TIFF）、图片的 zip 压缩包，或整个文件夹。限制："
        "每个上传文件不超过 {upload_mb} MB，每张图片（包括 zip 内的）不超过 {file_mb} MB。一批"
        "（一起上传的全部内容）最多 {files:,} 个文件（zip 内的文件也计入）、{batch_mb:,} MB（zip "
        "按解压后计）、{batch_mp:,} 百万像素。zip 最多 {members:,} 个文件、解压后不超过 "
        "{zip_mb:,} MB，每个成员的压缩比不超过 {ratio} 倍。照片（JPEG，以缩小尺寸读取）不超过 "
        "{jpeg_mp:.0f} 百万像素，其他图片不超过 {image_mp:.0f} 百万像素。超出限制的文件会单独列出"
        "原因，其余照常识别。zip 只在内存中读取，从不解压到磁盘。",
    ),
    # When the model hesitates between two digits.
    "recognize.close_call": (
        "{digit} or {runner_up}? The model is unsure: {digit} {confidence:.0%}, {runner_up} "
        "{probability:.0%}. Try drawing the digit larger or clearer.",
        "是 {digit} 还是 {runner_up}？模型不太确定：{digit} 为 {confidence:.0%}，{runner_up} 为 "
        "{probability:.0%}。请把数字写得更大或更清楚一些。",
    ),
}
